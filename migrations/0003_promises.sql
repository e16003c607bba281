-- Handoff Desk schema, version 3: promises kept, follow-ups fired once,
-- replies sent through the outbox, resolutions.

-- When the promise clock started (the next opening for after-hours handoffs),
-- whether the text came from the bot or the workspace default, and how it was met.
ALTER TABLE promises ADD COLUMN clock_from INTEGER;
ALTER TABLE promises ADD COLUMN origin TEXT NOT NULL DEFAULT 'bot';  -- bot | default
ALTER TABLE promises ADD COLUMN met_by TEXT;                         -- reply | phone | manual

-- How a follow-up ended: fired (notified), caught_up (folded into one summary
-- after the app was closed), skipped (no longer needed when due), cancelled.
ALTER TABLE follow_ups ADD COLUMN outcome TEXT;
ALTER TABLE follow_ups ADD COLUMN note TEXT;
CREATE UNIQUE INDEX follow_ups_once ON follow_ups (handoff_id, kind, due_at);

-- Why a handoff was resolved: answered | content_gap | policy | not_a_lead.
ALTER TABLE handoffs ADD COLUMN resolution TEXT;

-- Outbox attempts: who is sending (process id, so a crashed sender is told
-- from a live one), since when, and when it finished.
-- States: pending | sending | done | failed | unsure.
ALTER TABLE outbox ADD COLUMN started_at INTEGER;
ALTER TABLE outbox ADD COLUMN owner TEXT;
ALTER TABLE outbox ADD COLUMN done_at INTEGER;

-- Every email the app writes (replies, second attempts, backup alerts), kept
-- for the timeline and for matching answers by In-Reply-To.
CREATE TABLE replies (
    id           INTEGER PRIMARY KEY,
    handoff_id   INTEGER NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                 -- reply | second_attempt | backup_alert
    message_id   TEXT NOT NULL UNIQUE,
    in_reply_to  TEXT,
    from_addr    TEXT NOT NULL,
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    outbox_id    INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER
);
CREATE INDEX replies_handoff ON replies (handoff_id, created_at);
