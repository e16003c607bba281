-- Handoff Desk schema, version 13: the briefing at the top of each handoff.
-- Forward-only: never edit this file once landed.

-- What one handoff alone says, read offline when it is stored: the summary
-- (the visitor's ask, then what the bot could not do), the visitor's tone,
-- buying signals and the company's address domain. Rows stored before this
-- version get theirs when first shown or by the start-up backfill; a record
-- read again (reparse) or purged by retention loses its row.
CREATE TABLE briefings (
    handoff_id INTEGER PRIMARY KEY REFERENCES handoffs(id) ON DELETE CASCADE,
    summary    TEXT NOT NULL,
    tone       TEXT NOT NULL,       -- calm | frustrated | urgent
    signals    TEXT NOT NULL,       -- JSON array: price, quote, booking, demo
    company    TEXT
);
