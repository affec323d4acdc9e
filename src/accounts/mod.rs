//! Who is signed in, and how they got there: one-time e-mail codes, passkeys, sessions, invitations, rate limits.
//! The rules (lifetimes, limits, who may use which way in) are here and nowhere else.

pub mod passkeys;
pub mod policy;
pub mod roles;

use rand::Rng;

use crate::crypto::{Purpose, SecretKey, random_token};
use crate::store::Store;
use crate::store::accounts::{PersonRow, SessionRow};

pub use policy::*;
pub use roles::{Role, Roles};

/// Sending a code or an invitation failed: the database, or composing the e-mail.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("composing the e-mail: {0}")]
    Compose(String),
}

/// Builds the e-mail for a secret (a code, an invitation token) once it exists.
pub type MailFor<'a> = Box<dyn FnOnce(&str) -> Result<crate::store::outbox::NewMail, String> + 'a>;

/// What went wrong with a code someone typed.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// Not six digits.
    Format,
    /// No code was sent, or it has been used or replaced.
    Missing,
    Expired,
    Wrong,
    TooManyAttempts,
}

impl CodeProblem {
    pub fn message_key(&self) -> &'static str {
        match self {
            CodeProblem::Format => "sign-in-code-error-format",
            CodeProblem::Missing => "sign-in-code-error-missing",
            CodeProblem::Expired => "sign-in-code-error-expired",
            CodeProblem::Wrong => "sign-in-code-error-wrong",
            CodeProblem::TooManyAttempts => "sign-in-code-error-attempts",
        }
    }
}

pub fn new_code() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

fn code_hash(key: &SecretKey, email: &str, code: &str) -> String {
    key.sign(Purpose::SignInCode, format!("{}\n{code}", email.to_lowercase()).as_bytes())
}

/// Makes a fresh code for an address and queues the e-mail that carries it, in one transaction.
pub async fn send_code(
    store: &Store,
    key: &SecretKey,
    email: &str,
    mail: MailFor<'_>,
    now: i64,
) -> Result<(), SendError> {
    let code = new_code();
    let message = mail(&code).map_err(SendError::Compose)?;
    let mut tx = store.pool().begin().await?;
    crate::store::accounts::insert_sign_in_code(
        &mut tx,
        &email.to_lowercase(),
        &code_hash(key, email, &code),
        now + CODE_LIFETIME_MS,
    )
    .await?;
    crate::store::outbox::enqueue(&mut tx, &message).await?;
    Ok(tx.commit().await?)
}

/// For an address that may not sign in with a code (a passkey-only account): a code row whose hash no code
/// matches, and no e-mail. The code page then counts tries and answers for it exactly as for any other address.
pub async fn hold_code_place(store: &Store, email: &str, now: i64) -> Result<(), sqlx::Error> {
    let mut conn = store.pool().acquire().await?;
    crate::store::accounts::insert_sign_in_code(
        &mut conn,
        &email.to_lowercase(),
        &random_token(32),
        now + CODE_LIFETIME_MS,
    )
    .await
}

/// Checks a typed code against the newest one sent to the address, using it up when it matches.
pub async fn redeem_code(
    store: &Store,
    key: &SecretKey,
    email: &str,
    typed: &str,
    now: i64,
) -> Result<Result<(), CodeProblem>, sqlx::Error> {
    let typed: String =
        crate::domain::normalize_width(typed).chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if typed.len() != 6 || !typed.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Err(CodeProblem::Format));
    }
    let row = store.latest_sign_in_code(&email.to_lowercase()).await?;
    // The keyed hash is compared whether or not a code exists, so no address answers faster than another.
    let matches = key.verify(
        Purpose::SignInCode,
        format!("{}\n{typed}", email.to_lowercase()).as_bytes(),
        row.as_ref().map_or("", |r| r.code_hash.as_str()),
    );
    let Some(row) = row else {
        return Ok(Err(CodeProblem::Missing));
    };
    if row.expires_at <= now {
        return Ok(Err(CodeProblem::Expired));
    }
    // One conditional update takes a try before the answer counts: parallel guesses get 5 tries in all.
    if !store.take_code_attempt(&row.id, CODE_MAX_ATTEMPTS).await? {
        return Ok(Err(CodeProblem::TooManyAttempts));
    }
    if !matches {
        return Ok(Err(CodeProblem::Wrong));
    }
    if !store.use_sign_in_code(&row.id).await? {
        return Ok(Err(CodeProblem::Missing));
    }
    Ok(Ok(()))
}

/// A new session: the token goes in the cookie, only its keyed hash in the database.
pub async fn start_session(
    store: &Store,
    key: &SecretKey,
    person_id: &str,
    method: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = random_token(32);
    store.create_session(&session_hash(key, &token), person_id, method, now + SESSION_ABSOLUTE_MS).await?;
    Ok(token)
}

pub fn session_hash(key: &SecretKey, token: &str) -> String {
    key.sign(Purpose::Session, token.as_bytes())
}

/// A session is good while it is younger than its absolute lifetime and was used within the idle timeout.
pub fn session_is_live(s: &SessionRow, now: i64) -> bool {
    s.expires_at > now && s.last_seen_at + SESSION_IDLE_MS > now
}

/// Invitation tokens: random, kept hashed, used once.
pub fn new_invitation_token() -> String {
    random_token(24)
}

pub fn invitation_hash(key: &SecretKey, token: &str) -> String {
    key.sign(Purpose::Invitation, token.as_bytes())
}

/// Makes an invitation for `person_id` and queues the e-mail with its link, in one transaction.
pub async fn invite(
    store: &Store,
    key: &SecretKey,
    person_id: &str,
    created_by: Option<&str>,
    now: i64,
    mail: MailFor<'_>,
) -> Result<(), SendError> {
    let token = new_invitation_token();
    let message = mail(&token).map_err(SendError::Compose)?;
    let mut tx = store.pool().begin().await?;
    crate::store::accounts::create_invitation(
        &mut tx,
        person_id,
        created_by,
        &invitation_hash(key, &token),
        now + INVITATION_LIFETIME_MS,
    )
    .await?;
    crate::store::outbox::enqueue(&mut tx, &message).await?;
    Ok(tx.commit().await?)
}

/// Creates a staff member with their role, an invitation and the e-mail carrying it, in one transaction.
/// Returns the new person's id and the invitation token (the CLI prints the link).
pub async fn add_staff(
    store: &Store,
    key: &SecretKey,
    staff: &crate::store::organisations::NewStaff<'_>,
    created_by: Option<&str>,
    now: i64,
    mail: MailFor<'_>,
) -> Result<(String, String), SendError> {
    let token = new_invitation_token();
    let message = mail(&token).map_err(SendError::Compose)?;
    let mut tx = store.pool().begin().await?;
    let id = crate::store::organisations::create_staff(&mut tx, staff, created_by).await?;
    crate::store::accounts::create_invitation(
        &mut tx,
        &id,
        created_by,
        &invitation_hash(key, &token),
        now + INVITATION_LIFETIME_MS,
    )
    .await?;
    crate::store::outbox::enqueue(&mut tx, &message).await?;
    tx.commit().await?;
    Ok((id, token))
}

/// Whether this person may sign in with an e-mail code: residents may; officers and facility staff must use
/// a passkey.
pub fn may_use_email_code(roles: &Roles) -> bool {
    !roles.requires_passkey()
}

/// Masks an address for showing it back: `t***@example.jp`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

pub fn display_name(p: &PersonRow) -> &str {
    &p.name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|d| d.is_ascii_digit()));
        }
    }

    #[test]
    fn addresses_are_masked_when_shown_back() {
        assert_eq!(mask_email("taro@example.jp"), "t***@example.jp");
        assert_eq!(mask_email("nonsense"), "***");
    }

    #[test]
    fn a_session_ends_when_idle_or_old() {
        let s = SessionRow {
            token_hash: String::new(),
            person_id: String::new(),
            acting_for: None,
            method: "email_code".into(),
            created_at: 0,
            last_seen_at: 1_000,
            expires_at: SESSION_ABSOLUTE_MS,
        };
        assert!(session_is_live(&s, 1_000 + SESSION_IDLE_MS - 1));
        assert!(!session_is_live(&s, 1_000 + SESSION_IDLE_MS));
        let old = SessionRow { last_seen_at: SESSION_ABSOLUTE_MS - 10, ..s };
        assert!(!session_is_live(&old, SESSION_ABSOLUTE_MS));
    }
}
