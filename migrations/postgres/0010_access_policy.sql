-- The access policy (src/access/): an authority counts from its first day, and a resident's facility stops
-- helping them from the day they leave.

-- The first day an authority counts (YYYY-MM-DD); NULL: from its approval.
ALTER TABLE representations ADD COLUMN starts_on TEXT;
-- The day the resident left the facility (YYYY-MM-DD); NULL while they live there.
ALTER TABLE facility_residents ADD COLUMN left_on TEXT;
