-- Renewing an authority (issue 16): the representative is reminded 30 days before an approved authority's end
-- date, and may ask for a renewal, which is a new authority request linked to the one it renews and reviewed
-- like any other.

-- A renewal is a second authority for the same representative and ward: the pair is no longer unique. SQLite
-- cannot drop a table constraint, so the table is rebuilt (its proof documents are set aside meanwhile, so that
-- no foreign key points at a missing row while it is).
CREATE TABLE proof_documents_keep AS SELECT * FROM proof_documents;
DELETE FROM proof_documents;
CREATE TABLE representations_new (
    id TEXT PRIMARY KEY,
    representative_id TEXT NOT NULL REFERENCES people (id),
    ward_id TEXT NOT NULL REFERENCES people (id),
    relationship TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT 'adult_ward',
    scope TEXT NOT NULL DEFAULT 'card_application,qualification_certificate,express_issuance,newborn,outreach_booking',
    ends_on TEXT,
    going_out_difficult BIGINT NOT NULL DEFAULT 0,
    proof_state TEXT NOT NULL DEFAULT 'not_needed'
        CHECK (proof_state IN ('not_needed', 'pending', 'approved', 'declined')),
    no_document_explanation TEXT,
    decided_by TEXT REFERENCES people (id),
    decided_at BIGINT,
    decline_reason TEXT,
    ended_at BIGINT,
    ended_by TEXT REFERENCES people (id),
    end_reason TEXT,
    starts_on TEXT,
    -- The authority this request renews; NULL for a first request.
    renews_id TEXT REFERENCES representations (id),
    -- When the end-date reminder was queued (set once, by a guarded update, in the transaction that queues it).
    end_reminded_at BIGINT
);
INSERT INTO representations_new (id, representative_id, ward_id, relationship, state, created_at, reason, scope,
    ends_on, going_out_difficult, proof_state, no_document_explanation, decided_by, decided_at, decline_reason,
    ended_at, ended_by, end_reason, starts_on)
SELECT id, representative_id, ward_id, relationship, state, created_at, reason, scope, ends_on, going_out_difficult,
    proof_state, no_document_explanation, decided_by, decided_at, decline_reason, ended_at, ended_by, end_reason,
    starts_on
FROM representations;
DROP TABLE representations;
ALTER TABLE representations_new RENAME TO representations;
CREATE INDEX representations_ward ON representations (ward_id);
CREATE INDEX representations_state ON representations (state, created_at);
INSERT INTO proof_documents SELECT * FROM proof_documents_keep;
DROP TABLE proof_documents_keep;
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
    document_bytes BLOB,
    updated_at BIGINT NOT NULL
);
