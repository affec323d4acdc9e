-- Safe by default: the demo helpers act only on people the demo data made.
-- `demo` is 1 for those people, 0 for every real account (added with add-staff, sign-up, or a ward).
ALTER TABLE people ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;

-- Databases that already hold the demo data: its people, by their fixed ids.
UPDATE people SET demo = 1
WHERE id IN ('p-taro', 'p-maria', 'p-hanako', 'p-ichiro', 'p-misaki', 'p-ken', 'p-tome', 'p-shigeru',
             'p-suzuki', 'p-tanaka', 'p-nakamura', 'p-admin')
  AND EXISTS (SELECT 1 FROM meta WHERE key = 'demo_data_loaded');

-- The audit log is append-only: the row trigger of 0003 stops UPDATE and DELETE, but TRUNCATE fires no row
-- triggers. A statement trigger stops it too. (Only the table's owner can drop these triggers: see the
-- migration role in the README, which keeps the serving role from owning the table.)
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
