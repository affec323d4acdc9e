-- Qualification certificates (資格確認書) as issued: the printed items are copied at issue, so a later change
-- to the request or the person never changes a certificate already in someone's hands.

CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    insurer_id TEXT NOT NULL REFERENCES insurers (id),
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    symbol TEXT NOT NULL,
    number TEXT NOT NULL,
    branch TEXT NOT NULL DEFAULT '',
    insurer_number TEXT NOT NULL,
    insurer_name TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    delivery TEXT NOT NULL,
    revoked_at BIGINT,
    replaced_by TEXT,
    code TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX certificates_holder ON certificates (person_id, insurer_id, revoked_at);
CREATE INDEX certificates_request ON certificates (request_id);
