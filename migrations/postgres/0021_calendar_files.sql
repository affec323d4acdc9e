-- Calendar files (.ics) for outreach bookings.

-- A mail may carry one file: its name, its content type (with parameters) and its text. NULL: no file.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment_type TEXT;
ALTER TABLE outbox ADD COLUMN attachment_body TEXT;

-- The iCalendar SEQUENCE of a booking's calendar entry: raised when the booking moves or is cancelled, so a
-- calendar program replaces the entry it has (same UID) instead of keeping the old one.
ALTER TABLE outreach_bookings ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
