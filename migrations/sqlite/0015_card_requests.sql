-- Express My Number Card requests (特急発行): one row per `requests` row of kind 'card'. `requests.reason`
-- repeats `reason` (the access policy reads it there: infants' requests are `newborn` records, the others
-- `express_issuance`).
CREATE TABLE card_requests (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    reason TEXT NOT NULL CHECK (reason IN ('infant', 'lost', 'newly_registered')),
    -- birth date / loss date / registration (転入) date, YYYY-MM-DD
    trigger_date TEXT NOT NULL,
    card_type TEXT NOT NULL CHECK (card_type IN ('standard', 'face_authentication')),
    -- a server-made file name in the private photo folder; NULL when there is no photo (or it was deleted)
    photo_file TEXT,
    photo_exception TEXT NOT NULL DEFAULT '',
    -- the interim qualification-certificate request asked for with a lost card
    linked_request_id TEXT REFERENCES requests (id),
    -- the reason's own answers (birth registration, loss report, previous country…), JSON
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX card_requests_linked ON card_requests (linked_request_id);
