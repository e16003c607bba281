-- The gap-to-content checklist.
--
-- One embedding per handoff question, made once when the handoff arrives
-- (or when the model is first installed). `text_hash` is the SHA-256 of the
-- question as embedded, so an edited question is embedded again.
CREATE TABLE question_vectors (
    handoff_id INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    vector     BLOB NOT NULL       -- little-endian f32s
);

-- Checklist items checked off. Groups are recomputed as questions arrive,
-- so an item is remembered by its questions (`members`: JSON array of
-- handoff ids) and matched to today's group by overlap; a group of a later
-- month that is as close to a checked item as its own questions are to each
-- other is "still asked".
CREATE TABLE gap_checks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    month        TEXT NOT NULL,    -- YYYY-MM, in the workspace's time zone
    label        TEXT NOT NULL,
    members      TEXT NOT NULL,
    note         TEXT,
    checked_at   INTEGER NOT NULL  -- ms since the epoch
);
CREATE INDEX gap_checks_ws_month ON gap_checks (workspace_id, month);
