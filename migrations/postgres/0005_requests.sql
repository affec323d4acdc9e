-- Requests of every kind, their timeline, and qualification certificates.

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES people (id),
    filed_by TEXT NOT NULL REFERENCES people (id),
    filed_as TEXT NOT NULL CHECK (filed_as IN ('self', 'representative', 'facility')),
    facility_id TEXT REFERENCES facilities (id),
    municipality_id TEXT REFERENCES municipalities (id),
    insurer_id TEXT REFERENCES insurers (id),
    reason TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    decision_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT
);
CREATE INDEX requests_subject ON requests (subject_id, created_at);
CREATE INDEX requests_filed_by ON requests (filed_by, created_at);
CREATE INDEX requests_insurer_queue ON requests (insurer_id, state, submitted_at);

-- The timeline: append-only, one line per event.
CREATE TABLE request_events (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    at BIGINT NOT NULL,
    actor_id TEXT REFERENCES people (id),
    actor_role TEXT NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events (request_id, at);
