//! Express card requests (特急発行): a `requests` row of kind 'card' and its `card_requests` row. Reads by id go
//! through `Store::visible_request` first (the access policy), then `card_request` for the card's own answers.
//! Writes are small named steps, so that they can move onto the generic request service as they are.

use std::path::{Path, PathBuf};

use sqlx::AnyConnection;

use super::outbox::NewMail;
use super::requests::{Transition, apply_transition};
use super::{Store, new_id, now_ms};
use crate::domain::card_validity::ExpressReason;
use crate::requests::{Actor, FiledAs, RequestKind, RequestState, TransitionRefused, check_transition};

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

/// A card request being started: who files it, for whom, and why.
pub struct NewCardDraft<'a> {
    pub filed_by: &'a str,
    /// The person the card is for; for a newborn not yet known to the portal, the parent until submission.
    pub subject_id: &'a str,
    pub filed_as: &'a str,
    pub municipality_id: Option<&'a str>,
    pub reason: ExpressReason,
}

/// The answers of a card request, as the journey saves them.
pub struct CardAnswers<'a> {
    pub trigger_date: &'a str,
    pub card_type: &'a str,
    pub photo_exception: &'a str,
    pub details: &'a str,
}

/// The child a parent files an infant card for, made a person of the portal on submission.
pub struct NewChild<'a> {
    pub name: &'a str,
    pub name_kana: &'a str,
    pub birth_date: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub municipality_id: Option<&'a str>,
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
    /// Starts a card request: the draft `requests` row and its `card_requests` row, in one transaction.
    pub async fn create_card_draft(&self, d: &NewCardDraft<'_>) -> Result<String, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let draft = super::requests::NewDraft {
            kind: RequestKind::Card,
            subject_id: d.subject_id,
            filed_by: d.filed_by,
            filed_as: filed_as(d.filed_as),
            facility_id: None,
            municipality_id: d.municipality_id,
        };
        let id = super::requests::insert_draft(&mut tx, &draft, self.clock().now_ms()).await?;
        sqlx::query("UPDATE requests SET reason = $1 WHERE id = $2")
            .bind(d.reason.code())
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO card_requests (request_id, reason, trigger_date, card_type) VALUES ($1, $2, '', 'standard')",
        )
        .bind(&id)
        .bind(d.reason.code())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The card's own answers of a request (the caller has checked the viewer may see the request).
    pub async fn card_request(&self, request_id: &str) -> Result<Option<CardRequestRow>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM card_requests WHERE request_id = $1")))
            .bind(request_id)
            .fetch_optional(self.pool())
            .await
    }

    /// Saves the answers of a card request the filer is filling in (a draft) or correcting (returned).
    pub async fn save_card_answers(
        &self,
        request_id: &str,
        filed_by: &str,
        a: &CardAnswers<'_>,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE card_requests SET trigger_date = $1, card_type = $2, photo_exception = $3, details = $4 \
             WHERE request_id = $5 AND EXISTS (SELECT 1 FROM requests r WHERE r.id = $5 AND r.filed_by = $6 \
             AND r.state IN ('draft', 'returned'))",
        )
        .bind(a.trigger_date)
        .bind(a.card_type)
        .bind(a.photo_exception)
        .bind(a.details)
        .bind(request_id)
        .bind(filed_by)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the interim certificate request asked for together with a lost card.
    pub async fn link_card_request(&self, card_request_id: &str, linked_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE card_requests SET linked_request_id = $1 WHERE request_id = $2")
            .bind(linked_id)
            .bind(card_request_id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Starts the interim qualification-certificate request (資格確認書) asked for with a lost card: a draft of
    /// the certificate service for the same person, its reason "lost or renewing" already answered, linked to
    /// the card request. The filer answers its other questions in the certificate journey.
    pub async fn start_linked_certificate(
        &self,
        card_request_id: &str,
        subject_id: &str,
        filed_by: &str,
        municipality_id: Option<&str>,
    ) -> Result<String, sqlx::Error> {
        let filed_as = if subject_id == filed_by { FiledAs::SelfFiled } else { FiledAs::Representative };
        let now = self.clock().now_ms();
        let mut tx = self.pool().begin().await?;
        let draft = super::requests::NewDraft {
            kind: RequestKind::Certificate,
            subject_id,
            filed_by,
            filed_as,
            facility_id: None,
            municipality_id,
        };
        let id = super::requests::insert_draft(&mut tx, &draft, now).await?;
        let answers = serde_json::json!({ "for_whom": subject_id, "reason": "lost-or-renewing" }).to_string();
        let saved = super::requests::DraftAnswers {
            id: &id,
            filed_by,
            answers_json: &answers,
            subject_id,
            filed_as,
            facility_id: None,
            insurer_id: None,
            reason: "lost-or-renewing",
            birth_date: None,
            now,
        };
        super::requests::write_draft_answers(&mut tx, &saved).await?;
        sqlx::query("UPDATE card_requests SET linked_request_id = $1 WHERE request_id = $2")
            .bind(&id)
            .bind(card_request_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
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

    /// Sends an infant card request: the child becomes a person of the portal, the parent gets an approved
    /// authority over them (法定代理人, no proof document), the request is moved onto the child and submitted,
    /// all in one transaction.
    pub async fn submit_infant_card_request(
        &self,
        request_id: &str,
        parent_id: &str,
        child: &NewChild<'_>,
        mail: Option<NewMail>,
    ) -> Result<Result<String, TransitionRefused>, sqlx::Error> {
        let (from, to, by) = (RequestState::Draft, RequestState::Submitted, Actor::Requester);
        if let Err(refused) = check_transition(from, to, by) {
            return Ok(Err(refused));
        }
        let mut tx = self.pool().begin().await?;
        let child_id = new_id();
        let now = now_ms();
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
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO representations (id, representative_id, ward_id, relationship, state, created_at, reason, \
             scope, proof_state) VALUES ($1, $2, $3, 'parent', 'approved', $4, 'child', $5, 'not_needed')",
        )
        .bind(new_id())
        .bind(parent_id)
        .bind(&child_id)
        .bind(now)
        .bind(PARENT_SCOPE)
        .execute(&mut *tx)
        .await?;
        let moved = sqlx::query(
            "UPDATE requests SET subject_id = $1, filed_as = 'representative', municipality_id = $2 \
             WHERE id = $3 AND filed_by = $4 AND state = 'draft' AND kind = 'card'",
        )
        .bind(&child_id)
        .bind(child.municipality_id)
        .bind(request_id)
        .bind(parent_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1
            || apply_transition(
                &mut tx,
                &Transition { id: request_id, from, to, actor_id: parent_id, by, detail: "", mail },
                now,
            )
            .await?
            .is_err()
        {
            tx.rollback().await?;
            return Ok(Err(TransitionRefused { from, to, by }));
        }
        tx.commit().await?;
        Ok(Ok(child_id))
    }
}

/// How a card draft is filed, from its code (`self` for one's own, otherwise for someone one represents).
fn filed_as(code: &str) -> FiledAs {
    match code {
        "self" => FiledAs::SelfFiled,
        "facility" => FiledAs::Facility,
        _ => FiledAs::Representative,
    }
}
