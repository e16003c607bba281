-- Handoff Desk schema, version 1.
-- Times are INTEGER milliseconds since the Unix epoch, UTC.
-- Forward-only: never edit this file once landed; add 0002_….sql instead.

CREATE TABLE workspaces (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    time_zone       TEXT NOT NULL DEFAULT 'UTC',
    hours           TEXT NOT NULL,              -- JSON: BusinessHours
    default_promise TEXT,
    backup_contact  TEXT,
    settings        TEXT NOT NULL DEFAULT '{}', -- JSON: per-workspace options added later
    created_at      INTEGER NOT NULL
);

CREATE TABLE handoffs (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source           TEXT NOT NULL,             -- imap | relay | import | demo
    source_key       TEXT NOT NULL,             -- Message-ID, event id, UIDVALIDITY:UID or content hash
    bot              TEXT,
    platform         TEXT,
    reason           TEXT NOT NULL,
    reason_detail    TEXT,
    reason_inferred  INTEGER NOT NULL DEFAULT 0,
    confidence       REAL,
    visitor_name     TEXT,
    visitor_email    TEXT,
    visitor_phone    TEXT,
    page_url         TEXT,
    page_title       TEXT,
    started_at       INTEGER,
    escalated_at     INTEGER,
    received_at      INTEGER NOT NULL,
    after_hours      INTEGER NOT NULL DEFAULT 0,
    promise          TEXT,
    question         TEXT,
    question_derived INTEGER NOT NULL DEFAULT 0,
    subject          TEXT,
    message_id       TEXT,
    status           TEXT NOT NULL DEFAULT 'new',
    snoozed_until    INTEGER,
    parse_status     TEXT NOT NULL,             -- ok | partial | raw
    parse_notes      TEXT NOT NULL DEFAULT '[]',-- JSON array of strings
    UNIQUE (workspace_id, source_key)
);
CREATE INDEX handoffs_received ON handoffs (received_at DESC);
CREATE INDEX handoffs_ws_received ON handoffs (workspace_id, received_at DESC);
CREATE INDEX handoffs_status_received ON handoffs (status, received_at DESC);
CREATE INDEX handoffs_reason_received ON handoffs (reason, received_at DESC);
CREATE INDEX handoffs_email ON handoffs (visitor_email) WHERE visitor_email IS NOT NULL;
CREATE INDEX handoffs_message_id ON handoffs (message_id) WHERE message_id IS NOT NULL;

-- The transcript, one row per line.
CREATE TABLE messages (
    handoff_id INTEGER NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    author     TEXT NOT NULL,                   -- visitor | bot | agent | system
    name       TEXT,
    at         INTEGER,
    text       TEXT NOT NULL,
    PRIMARY KEY (handoff_id, ordinal)
) WITHOUT ROWID;

-- The source exactly as received (deflate-compressed when large).
CREATE TABLE raw_sources (
    handoff_id INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,                   -- email | json
    compressed INTEGER NOT NULL DEFAULT 0,
    size       INTEGER NOT NULL,
    bytes      BLOB NOT NULL
);

-- Known platform events that are not handoffs: recorded, never silently dropped.
CREATE TABLE skipped_events (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source_key   TEXT NOT NULL,
    platform     TEXT NOT NULL,
    event        TEXT NOT NULL,
    why          TEXT NOT NULL,
    raw          BLOB NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (workspace_id, source_key)
);

-- The append-only timeline of each handoff.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX events_handoff ON events (handoff_id, at);
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event timeline is append-only');
END;

-- What the bot promised, and whether it was kept.
CREATE TABLE promises (
    handoff_id INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    text       TEXT,
    due_at     INTEGER NOT NULL,
    state      TEXT NOT NULL DEFAULT 'running', -- running | met | breached
    met_at     INTEGER
);
CREATE INDEX promises_due ON promises (state, due_at);

-- Scheduled follow-ups; each fires once.
CREATE TABLE follow_ups (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,                   -- reminder | second_attempt | backup_contact | callback
    due_at     INTEGER NOT NULL,
    done_at    INTEGER,
    channel    TEXT
);
CREATE INDEX follow_ups_pending ON follow_ups (due_at) WHERE done_at IS NULL;

-- Durable jobs (HubSpot pushes, SMTP sends) that must survive restarts.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    handoff_id      INTEGER REFERENCES handoffs(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,              -- hubspot_push | smtp_send
    idempotency_key TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,              -- JSON
    state           TEXT NOT NULL DEFAULT 'pending', -- pending | done | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_try_at     INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_try_at);

-- Full-text search over visitor, page, question and transcript. Contentless:
-- the text lives in handoffs/messages; rowid = handoffs.id.
CREATE VIRTUAL TABLE handoff_fts USING fts5(
    visitor, page, question, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
