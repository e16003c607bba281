-- handoff-relay schema, version 1.
-- Forward-only: never edit this file once released; add 0002_*.sql instead.

-- One row per accepted webhook. AUTOINCREMENT so an id is never reused, even
-- after retention purges every row: the id is the desktop app's cursor.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    channel      TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,  -- ms since the Unix epoch, UTC
    content_type TEXT,
    body         BLOB    NOT NULL
);
CREATE INDEX events_channel_id ON events (channel, id);
CREATE INDEX events_received_at ON events (received_at);

-- The highest id retention has purged per channel, so a reader whose cursor
-- is below it can be told it missed events ("gap").
CREATE TABLE channel_purges (
    channel        TEXT    PRIMARY KEY,
    last_purged_id INTEGER NOT NULL
) WITHOUT ROWID;
