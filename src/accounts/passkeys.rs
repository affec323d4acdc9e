//! Passkey ceremonies with webauthn-rs. The server half of each ceremony is kept in the database (so any node
//! can finish what another started) and can be finished once.

use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use webauthn_rs_proto::ResidentKeyRequirement;

use super::policy::CEREMONY_LIFETIME_MS;
use crate::store::Store;
use crate::store::accounts::PersonRow;

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error("the ceremony is unknown, used or expired")]
    Ceremony,
    #[error("the browser's answer could not be read")]
    Malformed,
    #[error("webauthn: {0}")]
    Rejected(String),
    #[error("this passkey is not registered here")]
    Unknown,
    #[error("this passkey is registered already")]
    Duplicate,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl PasskeyError {
    /// What the person is told; none of these reveal whether an account exists.
    pub fn message_key(&self) -> &'static str {
        match self {
            PasskeyError::Ceremony => "passkey-error-expired",
            PasskeyError::Duplicate => "passkey-error-duplicate",
            PasskeyError::Unknown => "passkey-error-unknown",
            _ => "passkey-error-failed",
        }
    }
}

pub fn build(base_url: &url::Url, service_name: &str) -> Result<Webauthn, String> {
    let rp_id = base_url.host_str().ok_or("the base URL has no host")?;
    let origin = Url::parse(base_url.origin().ascii_serialization().as_str()).map_err(|e| e.to_string())?;
    WebauthnBuilder::new(rp_id, &origin)
        .map_err(|e| e.to_string())?
        .rp_name(service_name)
        .build()
        .map_err(|e| e.to_string())
}

/// Starts registering a new passkey for `person`: returns the ceremony id and the options for the browser.
pub async fn start_registration(
    webauthn: &Webauthn,
    store: &Store,
    person: &PersonRow,
    now: i64,
) -> Result<(String, String), PasskeyError> {
    let user_id = store.webauthn_id(&person.id).await?;
    let user_id = Uuid::parse_str(&user_id).map_err(|_| PasskeyError::Malformed)?;
    let existing: Vec<_> = store
        .passkeys_of(&person.id)
        .await?
        .into_iter()
        .filter_map(|p| serde_json::from_str::<Passkey>(&p.passkey_json).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let label = person.email.clone().unwrap_or_else(|| person.name.clone());
    let (mut options, state) = webauthn
        .start_passkey_registration(user_id, &label, &person.name, Some(existing))
        .map_err(|e| PasskeyError::Rejected(e.to_string()))?;
    // Sign-in is usernameless, so the credential must be discoverable (a resident key).
    if let Some(sel) = options.public_key.authenticator_selection.as_mut() {
        sel.resident_key = Some(ResidentKeyRequirement::Required);
        sel.require_resident_key = true;
    }
    let state_json = serde_json::to_string(&state).map_err(|_| PasskeyError::Malformed)?;
    let id = store.save_ceremony("register", Some(&person.id), &state_json, now + CEREMONY_LIFETIME_MS).await?;
    let options_json = serde_json::to_string(&options).map_err(|_| PasskeyError::Malformed)?;
    Ok((id, options_json))
}

/// Finishes a registration for the person who started it and stores the passkey under `name`.
pub async fn finish_registration(
    webauthn: &Webauthn,
    store: &Store,
    person_id: &str,
    ceremony_id: &str,
    credential_json: &str,
    name: &str,
) -> Result<(), PasskeyError> {
    let (owner, state_json) = store.take_ceremony(ceremony_id, "register").await?.ok_or(PasskeyError::Ceremony)?;
    if owner.as_deref() != Some(person_id) {
        return Err(PasskeyError::Ceremony);
    }
    let state: PasskeyRegistration = serde_json::from_str(&state_json).map_err(|_| PasskeyError::Malformed)?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(credential_json).map_err(|_| PasskeyError::Malformed)?;
    let passkey =
        webauthn.finish_passkey_registration(&credential, &state).map_err(|e| PasskeyError::Rejected(e.to_string()))?;
    let credential_id = base64_url(passkey.cred_id().as_ref());
    if store.passkey_by_credential(&credential_id).await?.is_some() {
        return Err(PasskeyError::Duplicate);
    }
    let json = serde_json::to_string(&passkey).map_err(|_| PasskeyError::Malformed)?;
    store.add_passkey(person_id, &credential_id, &json, name).await?;
    Ok(())
}

/// Starts a usernameless sign-in: the browser offers the person's passkeys for this site.
pub async fn start_authentication(
    webauthn: &Webauthn,
    store: &Store,
    now: i64,
) -> Result<(String, String), PasskeyError> {
    let (mut options, state) =
        webauthn.start_discoverable_authentication().map_err(|e| PasskeyError::Rejected(e.to_string()))?;
    // A button press, not autofill: the browser shows its passkey dialog at once.
    options.mediation = None;
    let state_json = serde_json::to_string(&state).map_err(|_| PasskeyError::Malformed)?;
    let id = store.save_ceremony("authenticate", None, &state_json, now + CEREMONY_LIFETIME_MS).await?;
    let options_json = serde_json::to_string(&options).map_err(|_| PasskeyError::Malformed)?;
    Ok((id, options_json))
}

/// Finishes a sign-in and returns whose passkey it was.
pub async fn finish_authentication(
    webauthn: &Webauthn,
    store: &Store,
    ceremony_id: &str,
    credential_json: &str,
) -> Result<PersonRow, PasskeyError> {
    let (_, state_json) = store.take_ceremony(ceremony_id, "authenticate").await?.ok_or(PasskeyError::Ceremony)?;
    let state: DiscoverableAuthentication = serde_json::from_str(&state_json).map_err(|_| PasskeyError::Malformed)?;
    let credential: PublicKeyCredential = serde_json::from_str(credential_json).map_err(|_| PasskeyError::Malformed)?;
    let (user_id, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|_| PasskeyError::Unknown)?;
    let row = store.passkey_by_credential(&base64_url(credential_id)).await?.ok_or(PasskeyError::Unknown)?;
    let person = store.person(&row.person_id).await?.ok_or(PasskeyError::Unknown)?;
    if person.webauthn_id.as_deref() != Some(user_id.to_string().as_str()) {
        return Err(PasskeyError::Unknown);
    }
    let mut passkey: Passkey = serde_json::from_str(&row.passkey_json).map_err(|_| PasskeyError::Malformed)?;
    let key = DiscoverableKey::from(&passkey);
    let result = webauthn
        .finish_discoverable_authentication_v2(&credential, state, &key)
        .map_err(|e| PasskeyError::Rejected(e.to_string()))?;
    let updated =
        passkey.update_credential(&result).filter(|changed| *changed).map(|_| serde_json::to_string(&passkey));
    let updated = match updated {
        Some(Ok(json)) => Some(json),
        _ => None,
    };
    store.passkey_used(&row.id, updated.as_deref()).await?;
    Ok(person)
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
