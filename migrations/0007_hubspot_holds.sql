-- Handoff Desk schema, version 7: a portal-wide hold after HubSpot asks to
-- slow down, and a mark on every push whose note may exist in HubSpot.

-- HubSpot answered 429 (or sent Retry-After): no process on this machine
-- sends this portal a request before retry_at (ms since the epoch).
ALTER TABLE hubspot_portals ADD COLUMN retry_at INTEGER;
ALTER TABLE hubspot_portals ADD COLUMN retry_why TEXT;

-- Set, and committed, before a notes create is sent; a push whose note id is
-- still unknown while this is set looks among the contact's notes for the
-- one that request may have created before it creates another, whichever
-- job, attempt or process pushes it next.
ALTER TABLE hubspot_pushes ADD COLUMN note_tried_at INTEGER;

-- Pushes made by an older build never recorded their tries: any of them
-- without a note id may have left one.
UPDATE hubspot_pushes SET note_tried_at = updated_at WHERE note_id IS NULL AND state <> 'no_email';
