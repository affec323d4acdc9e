-- Outreach application sessions (出張申請): facilities offer to host, the municipality schedules sessions with
-- time slots, people book a slot (or wait), and the run sheet records what happened at the session.

-- A facility's offer to host a session.
CREATE TABLE outreach_offers (
    id TEXT PRIMARY KEY,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    -- the facility's municipality, whose officers see the offer
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    offered_by TEXT NOT NULL REFERENCES people (id),
    address TEXT NOT NULL,
    contact TEXT NOT NULL,
    expected_applicants BIGINT NOT NULL CHECK (expected_applicants > 0),
    accessibility_notes TEXT NOT NULL DEFAULT '',
    preferred_dates TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('offered', 'scheduled', 'declined')),
    created_at BIGINT NOT NULL
);
CREATE INDEX outreach_offers_municipality ON outreach_offers (municipality_id, state, created_at);

CREATE TABLE outreach_sessions (
    id TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    offer_id TEXT REFERENCES outreach_offers (id),
    venue_kind TEXT NOT NULL CHECK (venue_kind IN ('facility', 'post_office', 'other')),
    -- the host facility (venue kind 'facility')
    host_facility_id TEXT REFERENCES facilities (id),
    venue TEXT NOT NULL,
    held_on TEXT NOT NULL,
    what_to_bring TEXT NOT NULL DEFAULT '',
    -- 1: only the host facility's residents may book
    residents_only BIGINT NOT NULL DEFAULT 0,
    -- the last place taken on the waiting list (a counter updated under the row's lock keeps the order)
    waiting_seq BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES people (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX outreach_sessions_municipality ON outreach_sessions (municipality_id, held_on);

-- A time slot. `taken` counts its live bookings and the places held for someone on the waiting list; it only
-- grows through `UPDATE … SET taken = taken + 1 WHERE taken < capacity`, so it never passes the capacity.
CREATE TABLE outreach_slots (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES outreach_sessions (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    taken BIGINT NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity)
);
CREATE INDEX outreach_slots_session ON outreach_slots (session_id, starts_at);

CREATE TABLE outreach_bookings (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES outreach_sessions (id),
    slot_id TEXT NOT NULL REFERENCES outreach_slots (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    booked_by TEXT NOT NULL REFERENCES people (id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'attended', 'no_show', 'taken')),
    identity_checked BIGINT NOT NULL DEFAULT 0,
    -- the card request made when the application was taken
    card_request_id TEXT REFERENCES requests (id),
    reminded_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One live booking per person and session.
CREATE UNIQUE INDEX outreach_bookings_one_live ON outreach_bookings (session_id, person_id) WHERE state = 'booked';
CREATE INDEX outreach_bookings_slot ON outreach_bookings (slot_id, state);
CREATE INDEX outreach_bookings_person ON outreach_bookings (person_id);

-- The waiting list of a full session, in the order people joined it (`position`).
CREATE TABLE outreach_waiting (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES outreach_sessions (id),
    position BIGINT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    booked_by TEXT NOT NULL REFERENCES people (id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'took', 'passed', 'left')),
    -- the place held for them while offered, and until when (ms)
    offered_slot_id TEXT REFERENCES outreach_slots (id),
    offered_until BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (session_id, position)
);
CREATE UNIQUE INDEX outreach_waiting_one_live ON outreach_waiting (session_id, person_id) WHERE state IN ('waiting', 'offered');
