-- The organisations and people every service refers to. Conventions (see src/store/mod.rs): TEXT ids,
-- BIGINT milliseconds for times, TEXT YYYY-MM-DD for dates, BIGINT 0/1 for flags.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE municipalities (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE insurers (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    municipality_id TEXT REFERENCES municipalities (id),
    certificate_default_months BIGINT NOT NULL DEFAULT 12,
    created_at BIGINT NOT NULL
);

CREATE TABLE facilities (
    id TEXT PRIMARY KEY,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    postal_code TEXT,
    address TEXT,
    municipality_id TEXT REFERENCES municipalities (id),
    email TEXT UNIQUE,
    phone TEXT,
    preferred_locale TEXT NOT NULL DEFAULT 'ja',
    created_at BIGINT NOT NULL
);

-- What a person may do, and for which organisation ('' where none applies).
CREATE TABLE roles (
    person_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL CHECK (role IN ('resident', 'municipal_officer', 'insurer_officer', 'facility_admin', 'facility_staff', 'admin')),
    organisation_id TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, role, organisation_id)
);

-- Someone acting for someone else (代理).
CREATE TABLE representations (
    id TEXT PRIMARY KEY,
    representative_id TEXT NOT NULL REFERENCES people (id),
    ward_id TEXT NOT NULL REFERENCES people (id),
    relationship TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (representative_id, ward_id)
);

CREATE TABLE facility_residents (
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    consent_recorded_at BIGINT,
    PRIMARY KEY (facility_id, person_id)
);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    locale TEXT NOT NULL,
    about_page TEXT,
    reply_to TEXT,
    message TEXT NOT NULL
);
CREATE INDEX feedback_created ON feedback (created_at);
