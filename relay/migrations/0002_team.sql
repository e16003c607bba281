-- handoff-relay schema, version 2: team records.
-- Forward-only: never edit this file once released; add 0003_*.sql instead.

-- One row per (channel, handoff source key): who claimed it and who answered
-- it, so teammates reading the same channel never answer a handoff twice.
-- `seq` is the record's last change number (from team_seq), the readers'
-- cursor for GET /v1/team; `changed_at` drives retention.
CREATE TABLE team_records (
    channel             TEXT    NOT NULL,
    key                 TEXT    NOT NULL,
    claim_name          TEXT,
    claim_email         TEXT,
    claim_at            INTEGER,          -- ms since the Unix epoch, UTC
    answered_name       TEXT,
    answered_email      TEXT,
    answered_at         INTEGER,          -- ms since the Unix epoch, UTC
    answered_message_id TEXT,
    seq                 INTEGER NOT NULL,
    changed_at          INTEGER NOT NULL, -- ms since the Unix epoch, UTC
    PRIMARY KEY (channel, key),
    CHECK ((claim_email IS NULL) = (claim_at IS NULL)),
    CHECK ((answered_email IS NULL) = (answered_at IS NULL))
) WITHOUT ROWID;
CREATE UNIQUE INDEX team_records_channel_seq ON team_records (channel, seq);
CREATE INDEX team_records_changed_at ON team_records (changed_at);

-- The last change number handed out, relay-wide. A counter row rather than
-- MAX(seq), so a number is never reused after retention deletes its record.
CREATE TABLE team_seq (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO team_seq (id, last) VALUES (1, 0);
