-- A card request may be an ordinary application taken at an outreach session (reason 'outreach', not express:
-- the standard issuing time applies; its access-policy kind is `card_application`). The column's CHECK is
-- replaced (its name is PostgreSQL's default for a column constraint, from migration 0015).
ALTER TABLE card_requests DROP CONSTRAINT card_requests_reason_check;
ALTER TABLE card_requests ADD CONSTRAINT card_requests_reason_check
    CHECK (reason IN ('infant', 'lost', 'newly_registered', 'outreach'));
