-- Insurers' enrolment records (被保険者の資格情報), and certificates that need no request: those issued by an
-- insurer's push run (職権交付) or renewal run, for members who may have no account here.

CREATE TABLE enrolments (
    id TEXT PRIMARY KEY,
    insurer_id TEXT NOT NULL REFERENCES insurers (id),
    symbol TEXT NOT NULL,
    number TEXT NOT NULL,
    branch TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    -- The portal account of the member, once known (matched by the insurer, or at sign-up).
    person_id TEXT REFERENCES people (id),
    postal_code TEXT,
    address TEXT,
    -- 資格取得日: the day cover began.
    qualified_on TEXT NOT NULL,
    -- The day the notification (届出) reached the insurer: from the employer (被用者保険) or the member (国保).
    notified_on TEXT NOT NULL,
    via_employer BIGINT NOT NULL DEFAULT 0,
    -- The day the insurer registered the record for online eligibility checks; NULL until it does.
    registered_on TEXT,
    -- 1 when the member has registered their My Number Card as their insurance card (マイナ保険証).
    card_registered BIGINT NOT NULL DEFAULT 0,
    -- 資格喪失日: cover ended; NULL while it goes on.
    ended_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (insurer_id, symbol, number, branch)
);
CREATE INDEX enrolments_birth ON enrolments (insurer_id, birth_date);
CREATE INDEX enrolments_unregistered ON enrolments (insurer_id, registered_on, notified_on);
CREATE INDEX enrolments_person ON enrolments (person_id);

-- Certificates may now come without a request (push and renewal runs) and without a portal account.
CREATE TABLE certificates_new (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES requests (id),
    person_id TEXT REFERENCES people (id),
    enrolment_id TEXT REFERENCES enrolments (id),
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
    -- The first day it is valid: the issue day, or the day after the one it renews runs out.
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    delivery TEXT NOT NULL,
    revoked_at BIGINT,
    replaced_by TEXT,
    code TEXT NOT NULL UNIQUE,
    -- The holder asked once for the next certificate to come by itself (自動更新).
    auto_renew BIGINT NOT NULL DEFAULT 0,
    -- When the 30-day expiry reminder was queued; NULL until then.
    reminded_at BIGINT,
    -- The push or renewal run that issued it, if any.
    run_id TEXT,
    created_at BIGINT NOT NULL
);
INSERT INTO certificates_new (id, request_id, person_id, insurer_id, name, name_kana, birth_date, symbol, number,
    branch, insurer_number, insurer_name, issued_on, valid_from, valid_until, delivery, revoked_at, replaced_by, code,
    created_at)
SELECT id, request_id, person_id, insurer_id, name, name_kana, birth_date, symbol, number, branch, insurer_number,
    insurer_name, issued_on, issued_on, valid_until, delivery, revoked_at, replaced_by, code, created_at
FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
CREATE INDEX certificates_holder ON certificates (person_id, insurer_id, revoked_at);
CREATE INDEX certificates_request ON certificates (request_id);
CREATE INDEX certificates_enrolment ON certificates (enrolment_id, revoked_at);
CREATE INDEX certificates_expiry ON certificates (valid_until, revoked_at);
