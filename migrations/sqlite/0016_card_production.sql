-- Express card issuance, the issuing side: what the municipality accepted, its production at the issuing body,
-- and the issuing body's signed callbacks.

-- The card request itself is migration 0015 (the residents' side). The same table here, only if it is not
-- there yet, so that this migration stands on its own; after 0015 this statement does nothing.
CREATE TABLE IF NOT EXISTS card_requests (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    reason TEXT NOT NULL CHECK (reason IN ('infant', 'lost', 'newly_registered')),
    trigger_date TEXT NOT NULL,
    card_type TEXT NOT NULL CHECK (card_type IN ('standard', 'face_authentication')),
    photo_file TEXT,
    photo_exception TEXT NOT NULL DEFAULT '',
    linked_request_id TEXT REFERENCES requests (id),
    details TEXT NOT NULL DEFAULT '{}'
);

-- One row per accepted card request. Stages: waiting (for the day's capacity) → sent (to the issuing body) →
-- production_started → mailed → delivered, or failed. `last_sequence` and `last_signed_at` keep callbacks in order.
CREATE TABLE card_productions (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    stage TEXT NOT NULL CHECK (stage IN ('waiting', 'sent', 'production_started', 'mailed', 'delivered', 'failed')),
    accepted_by TEXT NOT NULL REFERENCES people (id),
    accepted_at BIGINT NOT NULL,
    accepted_on TEXT NOT NULL,
    sent_at BIGINT,
    sent_on TEXT,
    tracking_number TEXT,
    failure_reason TEXT,
    last_sequence BIGINT NOT NULL DEFAULT 0,
    last_signed_at BIGINT NOT NULL DEFAULT 0,
    mailed_at BIGINT,
    delivered_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX card_productions_queue ON card_productions (stage, accepted_at);
CREATE INDEX card_productions_municipality ON card_productions (municipality_id, stage, accepted_at);

-- Every callback applied, once: the same callback again finds its row and changes nothing.
CREATE TABLE card_production_callbacks (
    request_id TEXT NOT NULL REFERENCES requests (id),
    sequence BIGINT NOT NULL,
    event TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, sequence)
);
