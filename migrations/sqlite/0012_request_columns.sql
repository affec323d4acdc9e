-- One stored form of a postal code: its 7 digits, no hyphen (the pages write `123-4567`). Certificate answers
-- kept it with a hyphen until now.
UPDATE people SET postal_code = REPLACE(postal_code, '-', '') WHERE postal_code LIKE '%-%';
UPDATE enrolments SET postal_code = REPLACE(postal_code, '-', '') WHERE postal_code LIKE '%-%';
UPDATE requests SET answers = json_set(answers, '$.postal_code', REPLACE(json_extract(answers, '$.postal_code'), '-', ''))
WHERE json_valid(answers) AND json_type(answers, '$.postal_code') = 'text';

-- The date of birth a request's answers give (ISO), so that a request is found by reference number and date of
-- birth without reading its answers (the reference is unique already, so no index).
ALTER TABLE requests ADD COLUMN subject_birth_date TEXT;
UPDATE requests SET subject_birth_date = json_extract(answers, '$.birth_date')
WHERE json_valid(answers) AND json_type(answers, '$.birth_date') = 'text';
