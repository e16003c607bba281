-- Retention gaps on relay sources: the relay deleted events (after its
-- retention window) before this app fetched them. One row per gap the relay
-- reported, kept and shown until the user acknowledges it. No personal data:
-- counts and times only.
-- Forward-only: never edit this file once landed.

CREATE TABLE relay_gaps (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    detected_at     INTEGER NOT NULL,  -- ms since the Unix epoch, UTC
    events          INTEGER,           -- at most this many lost; NULL when the relay did not say
    oldest_received INTEGER,           -- when the oldest lost event reached the relay (ms), or NULL
    newest_received INTEGER,
    acknowledged_at INTEGER            -- NULL until the user acknowledges it
);
CREATE INDEX relay_gaps_open ON relay_gaps (source_id) WHERE acknowledged_at IS NULL;
