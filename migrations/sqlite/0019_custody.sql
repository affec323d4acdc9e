-- Facilities that keep residents' cards: the card custody log (管理簿), append-only, and proxy receipt
-- (代理受取) of a resident's card by a facility's staff member, approved by the resident's municipality.

-- How long a card may be out of the facility's safe before the facility's page flags it (8 hours).
ALTER TABLE facilities ADD COLUMN card_out_limit_minutes BIGINT NOT NULL DEFAULT 480;

-- One line per hand-over; never updated or deleted. A correction is a new line naming the line it corrects
-- (each line is corrected at most once) and keeps that line's moment.
CREATE TABLE card_custody_entries (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    event TEXT NOT NULL CHECK (event IN ('taken_in', 'taken_out', 'returned', 'handed_back')),
    carried_by TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    corrects_id TEXT UNIQUE REFERENCES card_custody_entries (id),
    happened_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX card_custody_entries_person ON card_custody_entries (facility_id, person_id, happened_at);

-- A staff member named to receive a resident's card for them.
CREATE TABLE proxy_receipts (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    proxy_id TEXT NOT NULL REFERENCES people (id),
    request_id TEXT REFERENCES requests (id),
    requested_by TEXT NOT NULL REFERENCES people (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'received')),
    created_at BIGINT NOT NULL,
    decided_by TEXT REFERENCES people (id),
    decided_at BIGINT,
    received_on TEXT,
    received_by TEXT REFERENCES people (id),
    received_recorded_at BIGINT
);
CREATE INDEX proxy_receipts_person ON proxy_receipts (person_id, created_at);
CREATE INDEX proxy_receipts_facility ON proxy_receipts (facility_id, created_at);
