//! Express card requests (特急発行): a `requests` row of kind 'card' and its `card_requests` row. Reads by id go
//! through `Store::visible_request` first (the access policy), then `card_request` for the card's own answers.
//! Writes are small named steps that only the request service (`requests::service`) calls, inside its
//! transaction; the photo's own file is written here.

use std::path::{Path, PathBuf};

use sqlx::AnyConnection;

use super::{Store, new_id};
use crate::domain::card_validity::ExpressReason;
use crate::requests::card::CardAnswers;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CardRequestRow {
    pub request_id: String,
    pub reason: String,
    pub trigger_date: String,
    pub card_type: String,
    pub photo_file: Option<String>,
    pub photo_exception: String,
    pub linked_request_id: Option<String>,
    pub details: String,
}

impl CardRequestRow {
    pub fn reason(&self) -> Option<ExpressReason> {
        ExpressReason::from_code(&self.reason)
    }
}

/// The scope of the authority a parent gets over the child they file an infant card for (法定代理人: no proof
/// document is asked for; the municipality checks the birth registration when it accepts the request).
pub const PARENT_SCOPE: &str = "newborn,express_issuance,card_application,qualification_certificate";

const COLUMNS: &str =
    "request_id, reason, trigger_date, card_type, photo_file, photo_exception, linked_request_id, details";

/// The private file name of the request's photo, if it has one. For the issuing side, which deletes the photo
/// when the card is delivered (through [`Store::delete_card_photo`]).
pub async fn photo_file(conn: &mut AnyConnection, request_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT photo_file FROM card_requests WHERE request_id = $1")
        .bind(request_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|r| r.0))
}

/// Where the photos are kept: a folder of the data directory, readable by the service's own user only.
pub fn photo_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("card-photos")
}

impl Store {
    /// The card's own answers of a request (the caller has checked the viewer may see the request).
    pub async fn card_request(&self, request_id: &str) -> Result<Option<CardRequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM card_requests WHERE request_id = $1")))
            .bind(request_id)
            .fetch_optional(self.pool())
            .await
    }

    /// The card request a certificate request was asked for with, if any (for its page to show the link).
    pub async fn card_request_linking(&self, linked_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT request_id FROM card_requests WHERE linked_request_id = $1")
                .bind(linked_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Writes a photo into the private folder (0700 folder, 0600 file) under a name the server makes, keeps the
    /// name on the request and deletes the photo it replaces. `extension` comes from the file's content.
    pub async fn save_card_photo(&self, request_id: &str, bytes: &[u8], extension: &str) -> Result<(), sqlx::Error> {
        use std::io::Write;
        let dir = self.card_photo_dir();
        crate::private_files::create_dir(dir).map_err(sqlx::Error::Io)?;
        let file = format!("{}.{extension}", super::new_id());
        let mut f = crate::private_files::create_new_file(&dir.join(&file)).map_err(sqlx::Error::Io)?;
        f.write_all(bytes).and_then(|()| f.sync_all()).map_err(sqlx::Error::Io)?;
        if let Some(old) = self.set_card_photo(request_id, &file).await? {
            match std::fs::remove_file(dir.join(old)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(sqlx::Error::Io(e)),
            }
        }
        Ok(())
    }

    /// The bytes of the request's photo, if it has one.
    pub async fn card_photo(&self, request_id: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        let Some(file) = photo_file(&mut conn, request_id).await? else { return Ok(None) };
        match std::fs::read(self.card_photo_dir().join(&file)) {
            Ok(bytes) => Ok(Some((file, bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(sqlx::Error::Io(e)),
        }
    }

    /// Keeps the name of the request's new photo (already written to the private folder); returns the name of
    /// the photo it replaces, for the caller to delete.
    pub async fn set_card_photo(&self, request_id: &str, file: &str) -> Result<Option<String>, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let old = photo_file(&mut tx, request_id).await?;
        sqlx::query("UPDATE card_requests SET photo_file = $1 WHERE request_id = $2")
            .bind(file)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(old)
    }

    /// Deletes the request's photo: the private file (in [`Store::card_photo_dir`]), then the column (NULL).
    /// Called by the issuing side when the card has been delivered.
    pub async fn delete_card_photo(&self, request_id: &str) -> Result<(), sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        if let Some(file) = photo_file(&mut conn, request_id).await? {
            match std::fs::remove_file(self.card_photo_dir().join(&file)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(sqlx::Error::Io(e)),
            }
        }
        sqlx::query("UPDATE card_requests SET photo_file = NULL WHERE request_id = $1")
            .bind(request_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    }
}

/// The card's answers of a request, with its reason (`None`: no card row).
pub(crate) async fn card_answers(
    conn: &mut AnyConnection,
    request_id: &str,
) -> Result<Option<CardAnswers>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT reason, details FROM card_requests WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(reason, details)| {
        let mut a: CardAnswers = serde_json::from_str(&details).unwrap_or_default();
        a.reason = ExpressReason::from_code(&reason);
        a
    }))
}

/// Writes a card request's answers and the columns the queue reads from them (the first time, its row).
pub(crate) async fn write_card_answers(
    conn: &mut AnyConnection,
    request_id: &str,
    reason: ExpressReason,
    a: &CardAnswers,
) -> Result<(), sqlx::Error> {
    let details = serde_json::to_string(a).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let trigger = a.trigger_date(reason).unwrap_or("");
    let exception = a.photo_exception.as_deref().unwrap_or("");
    let updated = sqlx::query(
        "UPDATE card_requests SET reason = $1, trigger_date = $2, card_type = $3, photo_exception = $4, details = $5 \
         WHERE request_id = $6",
    )
    .bind(reason.code())
    .bind(trigger)
    .bind(a.card_type_code())
    .bind(exception)
    .bind(&details)
    .bind(request_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO card_requests (request_id, reason, trigger_date, card_type, photo_exception, details) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(request_id)
        .bind(reason.code())
        .bind(trigger)
        .bind(a.card_type_code())
        .bind(exception)
        .bind(&details)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The child a parent files an infant card for, made a person of the portal on submission.
pub(crate) struct NewChild<'a> {
    pub name: &'a str,
    pub name_kana: &'a str,
    pub birth_date: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub municipality_id: Option<&'a str>,
}

/// The infant's submission: the child becomes a person of the portal, the parent gets an approved authority
/// over them (法定代理人, no proof document) and the draft moves onto the child. `None` when the draft is not
/// the parent's (the caller rolls back the person written); the child's id otherwise.
pub(crate) async fn make_child_a_person(
    conn: &mut AnyConnection,
    request_id: &str,
    parent_id: &str,
    child: &NewChild<'_>,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let child_id = new_id();
    // The person first: the request then points at them (a foreign key).
    sqlx::query(
        "INSERT INTO people (id, name, name_kana, birth_date, postal_code, address, municipality_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&child_id)
    .bind(child.name)
    .bind(child.name_kana)
    .bind(child.birth_date)
    .bind(child.postal_code)
    .bind(child.address)
    .bind(child.municipality_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let moved = sqlx::query(
        "UPDATE requests SET subject_id = $1, filed_as = 'representative', municipality_id = $2 \
         WHERE id = $3 AND filed_by = $4 AND state = 'draft' AND kind = 'card'",
    )
    .bind(&child_id)
    .bind(child.municipality_id)
    .bind(request_id)
    .bind(parent_id)
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, \
         scope, proof_state) VALUES ($1, $2, $3, 'parent', 'approved', $4, 'child', $5, 'not_needed')",
    )
    .bind(new_id())
    .bind(parent_id)
    .bind(&child_id)
    .bind(now)
    .bind(PARENT_SCOPE)
    .execute(&mut *conn)
    .await?;
    Ok(Some(child_id))
}

/// Links a card request to the interim certificate request asked for with it.
pub(crate) async fn link_request(conn: &mut AnyConnection, card_id: &str, linked_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE card_requests SET linked_request_id = $1 WHERE request_id = $2")
        .bind(linked_id)
        .bind(card_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The request linked to a card request, if any.
pub(crate) async fn linked_request(conn: &mut AnyConnection, card_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT linked_request_id FROM card_requests WHERE request_id = $1")
            .bind(card_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// A delivered card's photo goes: the column is emptied and the private file in `dir` deleted, in the
/// delivery's transaction (a retried delivery finds nothing left to delete).
pub(crate) async fn delete_photo_of(conn: &mut AnyConnection, dir: &Path, request_id: &str) -> Result<(), sqlx::Error> {
    let Some(file) = photo_file(&mut *conn, request_id).await? else { return Ok(()) };
    sqlx::query("UPDATE card_requests SET photo_file = NULL WHERE request_id = $1")
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
    match std::fs::remove_file(dir.join(&file)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(sqlx::Error::Io(e)),
    }
}
