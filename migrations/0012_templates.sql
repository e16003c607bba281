-- Handoff Desk schema, version 12: formats taught by the user (templates).
-- Forward-only: never edit this file once landed.

-- One taught format per sender address. `spec` is the template's JSON (the
-- fixed wording around each field: labels, headings), never a visitor's values.
CREATE TABLE templates (
    id          INTEGER PRIMARY KEY,
    sender      TEXT    NOT NULL UNIQUE,   -- lower case
    name        TEXT    NOT NULL,
    taught_at   INTEGER NOT NULL,          -- ms since the epoch
    spec        TEXT    NOT NULL
);

-- Notifications from a template's sender that no longer matched it (the
-- platform changed its layout), by source key: reported on the source until
-- the format is taught again.
CREATE TABLE template_misses (
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    source_key  TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (template_id, source_key)
);
