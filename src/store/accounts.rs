//! People, roles, sign-in codes, sessions, passkeys, WebAuthn ceremonies, invitations and rate limits.

use sqlx::AnyConnection;

use super::{Store, new_id, now_ms};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    pub email: Option<String>,
    pub preferred_locale: String,
    pub municipality_id: Option<String>,
    pub webauthn_id: Option<String>,
}

const PERSON_COLUMNS: &str = "id, name, name_kana, birth_date, email, preferred_locale, municipality_id, webauthn_id";

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleRow {
    pub role: String,
    pub organisation_id: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub person_id: String,
    pub acting_for: Option<String>,
    pub method: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: String,
    pub person_id: String,
    pub credential_id: String,
    pub passkey_json: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub id: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

pub struct NewResident<'a> {
    pub name: &'a str,
    pub name_kana: &'a str,
    pub birth_date: &'a str,
    pub email: &'a str,
    pub locale: &'a str,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WardRow {
    pub representation_id: String,
    pub ward_id: String,
    pub name: String,
    pub relationship: String,
}

/// What [`Store::signed_in`] reads for a session token.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub session: SessionRow,
    pub person: PersonRow,
    pub roles: Vec<RoleRow>,
    pub wards: Vec<WardRow>,
}

/// One row of [`Store::signed_in`]: `part` says which columns mean what ('s' session and person, 'r' a role,
/// 'w' a ward); `k1`, `k2` only order the rows.
#[derive(sqlx::FromRow)]
struct SignedInPart {
    part: String,
    c1: Option<String>,
    c2: Option<String>,
    c3: Option<String>,
    c4: Option<String>,
    c5: Option<String>,
    c6: Option<String>,
    c7: Option<String>,
    c8: Option<String>,
    c9: Option<String>,
    c10: Option<String>,
    n1: Option<i64>,
    n2: Option<i64>,
    n3: Option<i64>,
}

impl SignedIn {
    fn from_parts(token_hash: &str, rows: Vec<SignedInPart>) -> Option<SignedIn> {
        let mut found = None;
        let mut roles = Vec::new();
        let mut wards = Vec::new();
        for row in rows {
            match row.part.as_str() {
                "s" => {
                    let person_id = row.c1.unwrap_or_default();
                    let session = SessionRow {
                        token_hash: token_hash.to_string(),
                        person_id: person_id.clone(),
                        acting_for: row.c2,
                        method: row.c3.unwrap_or_default(),
                        created_at: row.n1.unwrap_or_default(),
                        last_seen_at: row.n2.unwrap_or_default(),
                        expires_at: row.n3.unwrap_or_default(),
                    };
                    let person = PersonRow {
                        id: person_id,
                        name: row.c4.unwrap_or_default(),
                        name_kana: row.c5.unwrap_or_default(),
                        birth_date: row.c6.unwrap_or_default(),
                        email: row.c7,
                        preferred_locale: row.c8.unwrap_or_default(),
                        municipality_id: row.c9,
                        webauthn_id: row.c10,
                    };
                    found = Some((session, person));
                }
                "r" => roles
                    .push(RoleRow { role: row.c1.unwrap_or_default(), organisation_id: row.c2.unwrap_or_default() }),
                _ => wards.push(WardRow {
                    representation_id: row.c1.unwrap_or_default(),
                    ward_id: row.c2.unwrap_or_default(),
                    relationship: row.c3.unwrap_or_default(),
                    name: row.c4.unwrap_or_default(),
                }),
            }
        }
        found.map(|(session, person)| SignedIn { session, person, roles, wards })
    }
}

impl Store {
    pub async fn person(&self, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn person_by_email(&self, email: &str) -> Result<Option<PersonRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE lower(email) = lower($1)"
        )))
        .bind(email)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn person_by_webauthn_id(&self, webauthn_id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {PERSON_COLUMNS} FROM people WHERE webauthn_id = $1")))
            .bind(webauthn_id)
            .fetch_optional(self.pool())
            .await
    }

    /// The WebAuthn user handle of a person, made on first use (demo people have readable ids, not UUIDs).
    pub async fn webauthn_id(&self, person_id: &str) -> Result<String, sqlx::Error> {
        let fresh = uuid::Uuid::new_v4().to_string();
        sqlx::query("UPDATE people SET webauthn_id = $1 WHERE id = $2 AND webauthn_id IS NULL")
            .bind(&fresh)
            .bind(person_id)
            .execute(self.pool())
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT webauthn_id FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_one(self.pool())
            .await?;
        Ok(id)
    }

    pub async fn roles_of(&self, person_id: &str) -> Result<Vec<RoleRow>, sqlx::Error> {
        sqlx::query_as("SELECT role, organisation_id FROM roles WHERE person_id = $1 ORDER BY role, organisation_id")
            .bind(person_id)
            .fetch_all(self.pool())
            .await
    }

    /// Makes a resident account for a confirmed e-mail address, and records it in the audit log.
    pub async fn create_resident(&self, r: &NewResident<'_>) -> Result<String, sqlx::Error> {
        let id = new_id();
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO people (id, name, name_kana, birth_date, email, preferred_locale, email_verified_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(r.name)
        .bind(r.name_kana)
        .bind(r.birth_date)
        .bind(r.email)
        .bind(r.locale)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO roles (person_id, role, organisation_id, created_at) VALUES ($1, 'resident', '', $2)")
            .bind(&id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, &AuditEntry::new(Some(&id), "account.created").subject(&id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    // --- one-time codes ---

    /// The newest unused code for an address; older ones stop counting once a new one is sent.
    pub async fn latest_sign_in_code(&self, email: &str) -> Result<Option<CodeRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, code_hash, expires_at, attempts FROM sign_in_codes WHERE email = $1 AND used_at IS NULL \
             ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(email)
        .fetch_optional(self.pool())
        .await
    }

    /// Takes one of a code's tries, in one conditional statement: true only while fewer than `max` were taken,
    /// so parallel guesses cannot read the same count and each get a try.
    pub async fn take_code_attempt(&self, code_id: &str, max: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE sign_in_codes SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND used_at IS NULL",
        )
        .bind(code_id)
        .bind(max)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses a code up. True only for the one request that got there first: a code works once.
    pub async fn use_sign_in_code(&self, code_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now_ms())
            .bind(code_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- sessions ---

    pub async fn create_session(
        &self,
        token_hash: &str,
        person_id: &str,
        method: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, method, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(person_id)
        .bind(method)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, &AuditEntry::new(Some(person_id), "sign_in").detail(method)).await?;
        tx.commit().await
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT token_hash, person_id, acting_for, method, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// The language the person's e-mails are written in (a locale code), kept when they choose one signed in.
    pub async fn set_preferred_locale(&self, person_id: &str, locale: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE people SET preferred_locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(person_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn set_acting_for(&self, token_hash: &str, ward: Option<&str>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET acting_for = $1 WHERE token_hash = $2")
            .bind(ward)
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn end_all_sessions(&self, person_id: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person_id).execute(&mut *tx).await?;
        append_audit(&mut tx, &AuditEntry::new(Some(person_id), "sign_out_everywhere")).await?;
        tx.commit().await?;
        Ok(n.rows_affected())
    }

    // --- passkeys and ceremonies ---

    pub async fn add_passkey(
        &self,
        person_id: &str,
        credential_id: &str,
        passkey_json: &str,
        name: &str,
    ) -> Result<String, sqlx::Error> {
        let id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO passkeys (id, person_id, credential_id, passkey_json, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(person_id)
        .bind(credential_id)
        .bind(passkey_json)
        .bind(name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, &AuditEntry::new(Some(person_id), "passkey.added").detail(name)).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn passkeys_of(&self, person_id: &str) -> Result<Vec<PasskeyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, person_id, credential_id, passkey_json, name, created_at, last_used_at FROM passkeys \
             WHERE person_id = $1 ORDER BY created_at, id",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await
    }

    pub async fn passkey_by_credential(&self, credential_id: &str) -> Result<Option<PasskeyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, person_id, credential_id, passkey_json, name, created_at, last_used_at FROM passkeys WHERE credential_id = $1",
        )
        .bind(credential_id)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn passkey_used(&self, id: &str, passkey_json: Option<&str>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE passkeys SET last_used_at = $1, passkey_json = COALESCE($2, passkey_json) WHERE id = $3")
            .bind(now_ms())
            .bind(passkey_json)
            .bind(id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Renames one of the person's own passkeys; false when it is not theirs.
    pub async fn rename_passkey(&self, person_id: &str, id: &str, name: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND person_id = $3")
            .bind(name)
            .bind(id)
            .bind(person_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes one of the person's own passkeys; false when it is not theirs.
    pub async fn remove_passkey(&self, person_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND person_id = $2")
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            append_audit(&mut tx, &AuditEntry::new(Some(person_id), "passkey.removed")).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn save_ceremony(
        &self,
        kind: &str,
        person_id: Option<&str>,
        state_json: &str,
        expires_at: i64,
    ) -> Result<String, sqlx::Error> {
        let id = new_id();
        // Old ceremonies are cleared as new ones start, so the table stays small without a janitor.
        sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at < $1")
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO webauthn_ceremonies (id, kind, person_id, state_json, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(kind)
        .bind(person_id)
        .bind(state_json)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// Takes a ceremony's state out (it can be finished once), if it has not expired.
    pub async fn take_ceremony(&self, id: &str, kind: &str) -> Result<Option<(Option<String>, String)>, sqlx::Error> {
        let row: Option<(Option<String>, String, i64)> = sqlx::query_as(
            "DELETE FROM webauthn_ceremonies WHERE id = $1 AND kind = $2 RETURNING person_id, state_json, expires_at",
        )
        .bind(id)
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.filter(|r| r.2 > now_ms()).map(|r| (r.0, r.1)))
    }

    // --- invitations ---

    /// The person an unused, unexpired invitation is for (without using it up).
    pub async fn invitation(&self, token_hash: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT person_id FROM invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Uses an invitation up; true only for the first use.
    pub async fn use_invitation(&self, token_hash: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now_ms())
        .bind(token_hash)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- rate limits ---

    /// Counts one more hit in the current window of `bucket` and returns the count so far.
    pub async fn hit_rate_limit(&self, bucket: &str, window_ms: i64, now: i64) -> Result<i64, sqlx::Error> {
        let window_start = now - now.rem_euclid(window_ms);
        let (hits,): (i64,) = sqlx::query_as(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
        )
        .bind(bucket)
        .bind(window_start)
        .fetch_one(self.pool())
        .await?;
        Ok(hits)
    }

    // --- acting for others ---

    /// The people this person may act for today: authorities in term under the access policy (approved,
    /// started, end date not passed), whatever their scope.
    pub async fn wards_of(&self, person_id: &str) -> Result<Vec<WardRow>, sqlx::Error> {
        self.wards_where(person_id, &crate::access::sql::authority_in_term("r", "$2")).await
    }

    /// The people this person may act for today in records of `kind`: authorities in term whose scope covers it
    /// (the "for whom" question of a request of that kind).
    pub async fn wards_covering(
        &self,
        person_id: &str,
        kind: crate::access::RecordKind,
    ) -> Result<Vec<WardRow>, sqlx::Error> {
        self.wards_where(person_id, &crate::access::sql::authority_covers("r", kind, "$2")).await
    }

    /// The wards of `person_id` (`$1`) whose authority `r` meets `rule` on today's date (`$2`).
    async fn wards_where(&self, person_id: &str, rule: &str) -> Result<Vec<WardRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT r.id AS representation_id, r.ward_id, p.name, r.relationship FROM representations r \
             JOIN people p ON p.id = r.ward_id WHERE r.representative_id = $1 AND {rule} ORDER BY p.name_kana, p.id"
        )))
        .bind(person_id)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await
    }

    /// Everything a signed-in request needs about its session, in one read: the session, its person, their
    /// roles and the wards they may act for today (as [`Store::wards_of`]). Three parts in one `UNION ALL`,
    /// told apart by `part`, so the four reads of the signed-in path cost one round trip. `None` when there is
    /// no such session (or its person is gone). Nothing is cached: a sign-out, a role change or an ended
    /// authority counts on the next request, on every node.
    pub async fn signed_in(&self, token_hash: &str) -> Result<Option<SignedIn>, sqlx::Error> {
        let in_term = crate::access::sql::authority_in_term("r", "$2");
        let rows: Vec<SignedInPart> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT 's' AS part, s.person_id AS c1, s.acting_for AS c2, s.method AS c3, p.name AS c4, \
               p.name_kana AS c5, p.birth_date AS c6, p.email AS c7, p.preferred_locale AS c8, \
               p.municipality_id AS c9, p.webauthn_id AS c10, s.created_at AS n1, s.last_seen_at AS n2, \
               s.expires_at AS n3, NULL AS k1, NULL AS k2 \
             FROM sessions s JOIN people p ON p.id = s.person_id WHERE s.token_hash = $1 \
             UNION ALL \
             SELECT 'r', ro.role, ro.organisation_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
               NULL, ro.role, ro.organisation_id \
             FROM sessions s JOIN roles ro ON ro.person_id = s.person_id WHERE s.token_hash = $1 \
             UNION ALL \
             SELECT 'w', r.id, r.ward_id, r.relationship, p.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
               NULL, p.name_kana, p.id \
             FROM sessions s JOIN representations r ON r.representative_id = s.person_id \
             JOIN people p ON p.id = r.ward_id WHERE s.token_hash = $1 AND {in_term} \
             ORDER BY part, k1, k2"
        )))
        .bind(token_hash)
        .bind(self.clock().today().to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(SignedIn::from_parts(token_hash, rows))
    }

    /// The demo data's people with an e-mail address, for the demo sign-in list. Never a real account.
    pub async fn demo_people_with_email(&self) -> Result<Vec<PersonRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE email IS NOT NULL AND demo = 1 ORDER BY created_at, id"
        )))
        .fetch_all(self.pool())
        .await
    }

    /// A person the demo data made, for the demo helpers; `None` for a real account.
    pub async fn demo_person(&self, id: &str) -> Result<Option<PersonRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1 AND demo = 1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }
}

/// Stores a one-time code (hashed) on the caller's connection, so the code and the e-mail carrying it are
/// written in one transaction.
pub async fn insert_sign_in_code(
    conn: &mut AnyConnection,
    email: &str,
    code_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sign_in_codes (id, email, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id())
        .bind(email)
        .bind(code_hash)
        .bind(now_ms())
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records an invitation (hashed token) on the caller's connection, with its audit line.
pub async fn create_invitation(
    conn: &mut AnyConnection,
    person_id: &str,
    created_by: Option<&str>,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, person_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(token_hash)
    .bind(person_id)
    .bind(created_by)
    .bind(now_ms())
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    append_audit(conn, &AuditEntry::new(created_by, "invitation.created").subject(person_id)).await
}

impl Store {
    /// An officer opened a person's record: who, whose, for which organisation, which request.
    pub async fn record_view(
        &self,
        officer: &str,
        subject: &str,
        organisation: &str,
        what: &str,
    ) -> Result<(), sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        append_audit(
            &mut conn,
            &AuditEntry::new(Some(officer), "record.viewed").subject(subject).organisation(organisation).detail(what),
        )
        .await
    }
}

/// One line of the audit log. Personal numbers never go in `detail`.
pub struct AuditEntry<'a> {
    pub actor_id: Option<&'a str>,
    pub acting_for: Option<&'a str>,
    pub subject_id: Option<&'a str>,
    pub organisation_id: Option<&'a str>,
    pub action: &'a str,
    pub detail: &'a str,
    /// When it happened (ms); `None`: now. Demo data is written as it would have been at earlier times.
    pub at: Option<i64>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(actor_id: Option<&'a str>, action: &'a str) -> AuditEntry<'a> {
        AuditEntry { actor_id, acting_for: None, subject_id: None, organisation_id: None, action, detail: "", at: None }
    }
    pub fn subject(mut self, id: &'a str) -> Self {
        self.subject_id = Some(id);
        self
    }
    pub fn acting_for(mut self, id: Option<&'a str>) -> Self {
        self.acting_for = id;
        self
    }
    pub fn organisation(mut self, id: &'a str) -> Self {
        self.organisation_id = Some(id);
        self
    }
    pub fn detail(mut self, d: &'a str) -> Self {
        self.detail = d;
        self
    }
    pub fn at(mut self, ms: i64) -> Self {
        self.at = Some(ms);
        self
    }
}

/// Appends to the audit log inside the caller's transaction, so the record and the change land together.
pub async fn append_audit(conn: &mut AnyConnection, e: &AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, acting_for, subject_id, organisation_id, action, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(e.at.unwrap_or_else(now_ms))
    .bind(e.actor_id)
    .bind(e.acting_for)
    .bind(e.subject_id)
    .bind(e.organisation_id)
    .bind(e.action)
    .bind(e.detail)
    .execute(conn)
    .await
    .map(|_| ())
}
