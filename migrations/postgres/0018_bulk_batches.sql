-- Bulk applications (申請のとりまとめ): a facility's upload of many residents' certificate requests, kept
-- between the pages (preview, fixes, submit). A batch is submitted once: `open` → `submitted` by a conditional
-- UPDATE in the transaction that files its requests.
CREATE TABLE bulk_batches (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    created_by TEXT NOT NULL REFERENCES people (id),
    file_name TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'submitted')),
    created_at BIGINT NOT NULL,
    submitted_at BIGINT,
    submitted_by TEXT REFERENCES people (id)
);
CREATE INDEX bulk_batches_facility ON bulk_batches (facility_id, created_at);

-- One row of a batch: its values as typed (JSON, by column code), the certificate answers they parse to
-- (JSON) and what is wrong with them (JSON list; empty: the row can be sent), for whom, whether staff chose it,
-- and the request it became.
CREATE TABLE bulk_rows (
    batch_id TEXT NOT NULL REFERENCES bulk_batches (id),
    position BIGINT NOT NULL,
    typed TEXT NOT NULL,
    answers TEXT NOT NULL,
    problems TEXT NOT NULL,
    person_id TEXT REFERENCES people (id),
    chosen BIGINT NOT NULL DEFAULT 1,
    request_id TEXT REFERENCES requests (id),
    PRIMARY KEY (batch_id, position)
);
