-- Handoff Desk schema, version 14: the bot's total conversations per month.
-- Forward-only: never edit this file once landed.

-- Escalation rate and containment need how many conversations the bot had,
-- which no handoff says: the owner types it in per workspace and month, or a
-- platform whose API reports it fills it (`source` names which).
CREATE TABLE bot_conversations (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    month        TEXT    NOT NULL,   -- YYYY-MM, in the workspace's time zone
    total        INTEGER NOT NULL CHECK (total >= 0),
    source       TEXT    NOT NULL,   -- typed | chatwoot | intercom
    updated_at   INTEGER NOT NULL,   -- ms since the epoch
    PRIMARY KEY (workspace_id, month)
);
