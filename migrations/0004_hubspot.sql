-- Handoff Desk schema, version 4: leads pushed to HubSpot.

-- One row per handoff that is (or is to be) in HubSpot. The note id is kept so
-- a retry never creates a second note; the contact id so resolving updates the
-- same contact. state: queued | pushed | no_email | failed | stopped.
CREATE TABLE hubspot_pushes (
    handoff_id   INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    contact_id   TEXT,
    note_id      TEXT,
    message      TEXT,
    synced       TEXT,     -- the escalation status last written: open | resolved
    pushed_at    INTEGER,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX hubspot_pushes_state ON hubspot_pushes (workspace_id, state);

-- Per connected workspace: whether the app's contact properties exist in the
-- portal, and why pushing stopped (a revoked token, a missing scope) until
-- the owner reconnects.
CREATE TABLE hubspot_portals (
    workspace_id     INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    properties_ready INTEGER NOT NULL DEFAULT 0,
    stopped          TEXT,
    stopped_at       INTEGER,
    connected_at     INTEGER NOT NULL,
    after_handoff    INTEGER NOT NULL DEFAULT 0  -- handoffs with a larger id arrived since: pushed automatically
);

-- Requests sent to each portal in the last rate window, shared by every
-- process on this machine (the app and the CLI), so a restart or a second
-- process cannot burst past HubSpot's ten-second limit.
CREATE TABLE hubspot_pace (
    workspace_id INTEGER NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX hubspot_pace_at ON hubspot_pace (workspace_id, at);
