-- Handoff Desk schema, version 2: live sources (IMAP mailboxes, relay channels).
-- Secrets (passwords, tokens) are never stored here: they live in the OS keychain.

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,                 -- imap | relay
    config       TEXT NOT NULL,                 -- JSON: ImapConfig | RelayConfig, no secrets
    enabled      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

-- Where each source has got to. Written in the same transaction as the rows
-- it covers, so a crash can re-fetch but never skip.
CREATE TABLE source_cursors (
    source_id    INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    uid_validity INTEGER,                       -- imap: the folder's UIDVALIDITY
    last_uid     INTEGER,                       -- imap: highest UID committed
    relay_after  INTEGER,                       -- relay: last event id committed
    updated_at   INTEGER NOT NULL
);

-- The last outcome of each source, for `source list` and the UI.
CREATE TABLE source_health (
    source_id       INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    last_success_at INTEGER,
    last_error_at   INTEGER,
    last_error      TEXT
);
