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
ALTER TABLE certificates ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE certificates ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE certificates ADD COLUMN enrolment_id TEXT REFERENCES enrolments (id);
-- The first day it is valid: the issue day, or the day after the one it renews runs out.
ALTER TABLE certificates ADD COLUMN valid_from TEXT;
UPDATE certificates SET valid_from = issued_on;
ALTER TABLE certificates ALTER COLUMN valid_from SET NOT NULL;
-- The holder asked once for the next certificate to come by itself (自動更新).
ALTER TABLE certificates ADD COLUMN auto_renew BIGINT NOT NULL DEFAULT 0;
-- When the 30-day expiry reminder was queued; NULL until then.
ALTER TABLE certificates ADD COLUMN reminded_at BIGINT;
-- The push or renewal run that issued it, if any.
ALTER TABLE certificates ADD COLUMN run_id TEXT;
CREATE INDEX certificates_enrolment ON certificates (enrolment_id, revoked_at);
CREATE INDEX certificates_expiry ON certificates (valid_until, revoked_at);
