-- Team mode: teammates' apps share claims and answers through the mailbox
-- they already share (IMAP keywords, Bcc'd replies) or through the relay.

-- Who is working a handoff. One row per claimed handoff: ours (mine = 1) or
-- a teammate's as last seen on the server. `pending` says what of ours has
-- not reached the server yet (claim | release); the engine sends it when the
-- server is reachable and clears it.
CREATE TABLE claims (
    handoff_id  INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    by_name     TEXT    NOT NULL,
    by_email    TEXT    NOT NULL,
    at          INTEGER NOT NULL,  -- ms: when claimed (ours) or first seen (a teammate's)
    mine        INTEGER NOT NULL,
    pending     TEXT,
    note        TEXT               -- the last thing to tell people about it
);

-- Replies to a handoff sent by anyone on the team, seen as the Bcc copy in
-- the shared mailbox (or recorded on the relay). `shared` = 0 for our own
-- answers to relay handoffs that the relay has not recorded yet.
CREATE TABLE answers (
    handoff_id  INTEGER NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    message_id  TEXT    NOT NULL,
    by_name     TEXT,
    by_email    TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    mine        INTEGER NOT NULL DEFAULT 0,
    shared      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (handoff_id, message_id)
);

-- How far each source has read the team's changes: an IMAP folder's
-- HIGHESTMODSEQ (per UIDVALIDITY), or the relay's team change sequence.
CREATE TABLE team_cursors (
    source_id    INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    uid_validity INTEGER,
    position     INTEGER NOT NULL
);
