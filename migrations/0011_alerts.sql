-- Handoff Desk schema, version 11: Slack and Teams alerts as outbox jobs.
-- Forward-only: never edit this file once landed.

-- Set, and committed, right before an alert's HTTP request or an email's
-- SMTP conversation starts. A job interrupted (kill -9, power loss) without
-- it in its current attempt never left the machine and goes back to pending;
-- with it, it may have arrived, so the job becomes `unsure` and is never sent
-- again on its own. Jobs caught mid-send by this upgrade count as posted.
ALTER TABLE outbox ADD COLUMN posted_at INTEGER;
UPDATE outbox SET posted_at = coalesce(started_at, created_at) WHERE state = 'sending';

-- Per workspace and service: when the last alert was posted (pacing under
-- the service's rate limit, shared by every process on this file) and a hold
-- after the service answered 429 with Retry-After (no alert is posted there
-- before retry_at, ms since the epoch).
CREATE TABLE alert_holds (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    channel       TEXT    NOT NULL,   -- slack | teams
    last_post_at  INTEGER,
    retry_at      INTEGER,
    retry_why     TEXT,
    PRIMARY KEY (workspace_id, channel)
);
