-- Insurers' issuance runs: a push run (職権交付) issues a certificate to every enrolled member who needs one;
-- a renewal run issues the next certificate for those who asked for automatic renewal. A run is a database
-- job, worked in batches by whichever node's worker holds its lease; the cursor and the counts move in the
-- transaction of each batch, so a worker that dies leaves the run where its last batch ended.

CREATE TABLE issuance_runs (
    id TEXT PRIMARY KEY,
    insurer_id TEXT NOT NULL REFERENCES insurers (id),
    -- push | renewal
    kind TEXT NOT NULL,
    -- running | finished
    state TEXT NOT NULL,
    -- The day the run counts from (JST): issue date, "current" and the renewal window are judged on it.
    as_of TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    processed BIGINT NOT NULL DEFAULT 0,
    issued BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    -- Why members were skipped: cover ended, card-based registration, a current certificate already, no
    -- eligibility left for a new one (the end of eligibility comes before its first day).
    skipped_ended BIGINT NOT NULL DEFAULT 0,
    skipped_card BIGINT NOT NULL DEFAULT 0,
    skipped_current BIGINT NOT NULL DEFAULT 0,
    skipped_ineligible BIGINT NOT NULL DEFAULT 0,
    -- The id of the last enrolment (push) or certificate (renewal) worked on; '' before the first batch.
    last_key TEXT NOT NULL DEFAULT '',
    started_by TEXT NOT NULL REFERENCES people (id),
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    lease_owner TEXT,
    lease_until BIGINT
);
-- One run of a kind per insurer at a time.
CREATE UNIQUE INDEX issuance_runs_one_running ON issuance_runs (insurer_id, kind) WHERE state = 'running';
CREATE INDEX issuance_runs_insurer ON issuance_runs (insurer_id, started_at);
CREATE INDEX issuance_runs_due ON issuance_runs (state, lease_until);
-- The push run walks an insurer's members in id order.
CREATE INDEX enrolments_insurer_id ON enrolments (insurer_id, id);
-- The renewal run finds an insurer's certificates that renew themselves.
CREATE INDEX certificates_auto_renew ON certificates (auto_renew, insurer_id, id);
CREATE INDEX certificates_run ON certificates (run_id);
