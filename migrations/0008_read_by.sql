-- Which version of the reader produced a handoff's fields, so the window can
-- offer a re-read (`handoff reparse`) when a newer version reads more.
-- NULL: stored before this column existed, i.e. by an older version.
-- Forward-only: never edit this file once landed.

ALTER TABLE handoffs ADD COLUMN read_by TEXT;
