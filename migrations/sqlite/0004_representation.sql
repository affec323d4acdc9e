-- Acting for others (代理): the authority's reason, scope and term; the municipality's review; proof documents;
-- drafts of the "add a person" journey; facility consent; reports on the access log.

ALTER TABLE representations ADD COLUMN reason TEXT NOT NULL DEFAULT 'adult_ward';
-- Comma-separated scope codes (card_application, qualification_certificate, express_issuance, newborn, outreach_booking).
ALTER TABLE representations ADD COLUMN scope TEXT NOT NULL DEFAULT 'card_application,qualification_certificate,express_issuance,newborn,outreach_booking';
ALTER TABLE representations ADD COLUMN ends_on TEXT;
ALTER TABLE representations ADD COLUMN going_out_difficult BIGINT NOT NULL DEFAULT 0;
ALTER TABLE representations ADD COLUMN proof_state TEXT NOT NULL DEFAULT 'not_needed'
    CHECK (proof_state IN ('not_needed', 'pending', 'approved', 'declined'));
ALTER TABLE representations ADD COLUMN no_document_explanation TEXT;
ALTER TABLE representations ADD COLUMN decided_by TEXT REFERENCES people (id);
ALTER TABLE representations ADD COLUMN decided_at BIGINT;
ALTER TABLE representations ADD COLUMN decline_reason TEXT;
ALTER TABLE representations ADD COLUMN ended_at BIGINT;
ALTER TABLE representations ADD COLUMN ended_by TEXT REFERENCES people (id);
ALTER TABLE representations ADD COLUMN end_reason TEXT;
CREATE INDEX representations_ward ON representations (ward_id);
CREATE INDEX representations_state ON representations (state, created_at);

CREATE TABLE proof_documents (
    id TEXT PRIMARY KEY,
    representation_id TEXT NOT NULL REFERENCES representations (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX proof_documents_representation ON proof_documents (representation_id);

-- One draft per person of the "add a person you act for" journey: answers as JSON, and the uploaded document.
CREATE TABLE representation_drafts (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    answers TEXT NOT NULL,
    document_name TEXT,
    document_type TEXT,
    document_size BIGINT,
    document_bytes BLOB,
    updated_at BIGINT NOT NULL
);

ALTER TABLE facility_residents ADD COLUMN consent_recorded_by TEXT REFERENCES people (id);

-- "I do not recognise this": a person's report on a line of their access log, for their municipality.
CREATE TABLE access_reports (
    id TEXT PRIMARY KEY,
    audit_id TEXT NOT NULL REFERENCES audit_log (id),
    subject_id TEXT NOT NULL REFERENCES people (id),
    reported_by TEXT NOT NULL REFERENCES people (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    note TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT REFERENCES people (id)
);
CREATE INDEX access_reports_municipality ON access_reports (municipality_id, state, created_at);
