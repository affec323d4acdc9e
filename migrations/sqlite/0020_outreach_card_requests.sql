-- A card request may be an ordinary application taken at an outreach session (reason 'outreach', not express:
-- the standard issuing time applies; its access-policy kind is `card_application`).
-- SQLite cannot change a CHECK: the table is rebuilt with its rows. No table refers to card_requests (the
-- outreach booking and the card production refer to `requests`), so it can be dropped and renamed in place;
-- its one index is made again.
CREATE TABLE card_requests_new (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    reason TEXT NOT NULL CHECK (reason IN ('infant', 'lost', 'newly_registered', 'outreach')),
    -- birth date / loss date / registration (転入) date / the outreach session's day, YYYY-MM-DD
    trigger_date TEXT NOT NULL,
    card_type TEXT NOT NULL CHECK (card_type IN ('standard', 'face_authentication')),
    -- a server-made file name in the private photo folder; NULL when there is no photo (or it was deleted, or
    -- it was taken at the outreach session)
    photo_file TEXT,
    photo_exception TEXT NOT NULL DEFAULT '',
    -- the interim qualification-certificate request asked for with a lost card
    linked_request_id TEXT REFERENCES requests (id),
    -- the reason's own answers (birth registration, loss report, previous country, session day…), JSON
    details TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO card_requests_new (request_id, reason, trigger_date, card_type, photo_file, photo_exception,
    linked_request_id, details)
SELECT request_id, reason, trigger_date, card_type, photo_file, photo_exception, linked_request_id, details
FROM card_requests;
DROP INDEX card_requests_linked;
DROP TABLE card_requests;
ALTER TABLE card_requests_new RENAME TO card_requests;
CREATE INDEX card_requests_linked ON card_requests (linked_request_id);
