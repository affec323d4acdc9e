-- Accounts: sign-in codes, passkeys, WebAuthn ceremonies, sessions, invitations, rate limits, audit log.

ALTER TABLE people ADD COLUMN webauthn_id TEXT;
ALTER TABLE people ADD COLUMN email_verified_at BIGINT;
CREATE UNIQUE INDEX people_webauthn_id ON people (webauthn_id);

-- One-time sign-in codes, kept only as keyed hashes.
CREATE TABLE sign_in_codes (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX sign_in_codes_email ON sign_in_codes (email, created_at);

CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    credential_id TEXT NOT NULL UNIQUE,
    passkey_json TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_person ON passkeys (person_id);

-- A registration or sign-in ceremony in progress: the server half of the challenge.
CREATE TABLE webauthn_ceremonies (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('register', 'authenticate')),
    person_id TEXT REFERENCES people (id),
    state_json TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    acting_for TEXT REFERENCES people (id),
    method TEXT NOT NULL CHECK (method IN ('passkey', 'email_code', 'invitation')),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id),
    created_by TEXT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Fixed-window counters, shared by every node.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

-- Append-only: who did what, when, acting for whom, to whose record.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT REFERENCES people (id),
    acting_for TEXT REFERENCES people (id),
    subject_id TEXT REFERENCES people (id),
    organisation_id TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
