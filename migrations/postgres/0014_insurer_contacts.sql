-- Each insurer's name in easy Japanese (with `[漢字|かんじ]` reading marks; empty: its Japanese name is shown)
-- and the phone number people call it on (empty: none to show).
ALTER TABLE insurers ADD COLUMN name_easy TEXT NOT NULL DEFAULT '';
ALTER TABLE insurers ADD COLUMN phone TEXT NOT NULL DEFAULT '';
