-- Renewing an authority (issue 16): the representative is reminded 30 days before an approved authority's end
-- date, and may ask for a renewal, which is a new authority request linked to the one it renews and reviewed
-- like any other.

-- A renewal is a second authority for the same representative and ward: the pair is no longer unique.
ALTER TABLE representations DROP CONSTRAINT representations_representative_id_ward_id_key;
-- The authority this request renews; NULL for a first request.
ALTER TABLE representations ADD COLUMN renews_id TEXT REFERENCES representations (id);
-- When the end-date reminder was queued (set once, by a guarded update, in the transaction that queues it).
ALTER TABLE representations ADD COLUMN end_reminded_at BIGINT;
-- One first authority per representative and ward, as before; and at most one renewal of an authority waiting or
-- granted at a time.
CREATE UNIQUE INDEX representations_pair ON representations (representative_id, ward_id) WHERE renews_id IS NULL;
CREATE UNIQUE INDEX representations_renewed_once ON representations (renews_id) WHERE state IN ('pending', 'approved');
CREATE INDEX representations_ends_on ON representations (state, ends_on);

-- The answers of an unfinished renewal, one per authority being renewed (only its representative writes it).
CREATE TABLE representation_renewal_drafts (
    representation_id TEXT PRIMARY KEY REFERENCES representations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    scope TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    proof_done BIGINT NOT NULL DEFAULT 0,
    document_name TEXT,
    document_type TEXT,
    document_size BIGINT,
    document_bytes BYTEA,
    updated_at BIGINT NOT NULL
);
