-- handoff-relay schema, version 3.
-- Forward-only: never edit this file once released; add 0004_*.sql instead.

-- What each retention purge removed per channel, so a reader told about a
-- `gap` also learns how many events it may have lost and when they had come
-- in. One row per channel per purge that removed something; rows older than
-- 90 days are trimmed by the purge itself.
CREATE TABLE purge_log (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL,
    first_id        INTEGER NOT NULL,
    last_id         INTEGER NOT NULL,
    events          INTEGER NOT NULL,
    oldest_received INTEGER NOT NULL,  -- ms since the Unix epoch, UTC
    newest_received INTEGER NOT NULL,
    purged_at       INTEGER NOT NULL
);
CREATE INDEX purge_log_channel_last ON purge_log (channel, last_id);
