-- Handoff Desk schema, version 9: erasure, retention.
-- Forward-only: never edit this file once landed.

-- One row per erasure (`handoff forget`) or retention run that removed
-- something: what kind of request it was, when, and how many rows of each
-- kind went. No personal data: never the email, phone, name or any text.
CREATE TABLE erasures (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    by       TEXT NOT NULL,                 -- email | phone | handoff | retention
    handoffs INTEGER NOT NULL,
    detail   TEXT NOT NULL                  -- JSON: rows removed per kind
);

-- Source keys (Message-ID, event id) of erased handoffs, hashed (SHA-256), so a
-- re-import of the same file or a mailbox re-scan does not bring them back.
CREATE TABLE erased_sources (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key_hash     TEXT NOT NULL,
    PRIMARY KEY (workspace_id, key_hash)
) WITHOUT ROWID;

-- Retention: when a handoff's personal data (visitor, page address, question,
-- transcript, raw original, replies, notes) was removed. The row stays, with
-- its workspace, reason, times, status and promise, so monthly figures and gap
-- counts keep their numbers. Purged handoffs leave the inbox, lists and search.
ALTER TABLE handoffs ADD COLUMN purged_at INTEGER;

-- Settings of the data file as a whole (not of one workspace), as JSON per key:
-- `backup` = {"daily": bool, "keep": n, "folder": path or null}.
CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
