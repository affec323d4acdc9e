-- One stored form of a postal code: its 7 digits, no hyphen (the pages write `123-4567`). Certificate answers
-- kept it with a hyphen until now.
UPDATE people SET postal_code = REPLACE(postal_code, '-', '') WHERE postal_code LIKE '%-%';
UPDATE enrolments SET postal_code = REPLACE(postal_code, '-', '') WHERE postal_code LIKE '%-%';
UPDATE requests
SET answers = jsonb_set(answers::jsonb, '{postal_code}', to_jsonb(REPLACE(answers::jsonb ->> 'postal_code', '-', '')))::text
WHERE jsonb_typeof(answers::jsonb -> 'postal_code') = 'string';

-- The date of birth a request's answers give (ISO), so that a request is found by reference number and date of
-- birth without reading its answers (the reference is unique already, so no index).
ALTER TABLE requests ADD COLUMN subject_birth_date TEXT;
UPDATE requests SET subject_birth_date = answers::jsonb ->> 'birth_date'
WHERE jsonb_typeof(answers::jsonb -> 'birth_date') = 'string';
