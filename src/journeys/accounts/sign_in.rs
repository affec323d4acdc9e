//! Signing in: with a passkey (the browser offers the person's passkeys), or with a one-time code by e-mail.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{EmailCookie, safe_next};
use crate::accounts::{self, CodeProblem, Roles, passkeys};
use crate::domain::EmailAddress;
use crate::notify::compose_for;
use crate::notify::mail::Notice;
use crate::store::now_ms;
use crate::web::client_address::client_key;
use crate::web::errors::AppError;
use crate::web::forms::{FormState, redirect, see_other};
use crate::web::page::Page;
use crate::web::session::{CurrentUser, removal_cookie, session_cookie};
use crate::web::{AppState, render_with_status};

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub struct DemoAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role_key: &'static str,
    pub passkey_only: bool,
}

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignIn {
    page: Page,
    form: FormState,
    next: String,
    ceremony: String,
    options: String,
    demo_accounts: Vec<DemoAccount>,
}

async fn sign_in_page(
    page: Page,
    state: &AppState,
    form: FormState,
    next: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (ceremony, options) =
        passkeys::start_authentication(&state.webauthn, &state.store, now_ms()).await.map_err(AppError::internal)?;
    let demo_accounts = if state.settings.demo_mode { demo_accounts(state).await? } else { Vec::new() };
    render_with_status(status, &SignIn { page, form, next, ceremony, options, demo_accounts })
}

async fn demo_accounts(state: &AppState) -> Result<Vec<DemoAccount>, AppError> {
    let mut out = Vec::new();
    for p in state.store.demo_people_with_email().await? {
        let roles = Roles::from_rows(&state.store.roles_of(&p.id).await?);
        let Some(role) = roles.all().next() else { continue };
        out.push(DemoAccount {
            id: p.id.clone(),
            name: p.name.clone(),
            email: p.email.clone().unwrap_or_default(),
            role_key: role.message_key(),
            passkey_only: roles.requires_passkey(),
        });
    }
    Ok(out)
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if user.is_some() {
        return Ok(see_other(next));
    }
    sign_in_page(page, &state, FormState::default(), next, StatusCode::OK).await
}

#[derive(serde::Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    next: Option<String>,
}

/// Sends a code to the address, unless it belongs to someone who must use a passkey. The answer is the same
/// either way, so the page never tells whether an address has an account.
pub async fn request_code(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(input.next.as_deref());
    let mut form = FormState::with_values([("email", input.email.as_str())]);
    let Some(email) = form.check("email", input.email.parse::<EmailAddress>()) else {
        return sign_in_page(page, &state, form, next, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let email = email.to_string();
    let now = now_ms();
    let store = &state.store;
    let client = client_key(&req);
    let address = email.to_lowercase();
    // Per client first, then per address and client, and only then the address's overall count: one client
    // asking again and again for my address uses up its own allowance, not mine.
    let allowed = store.hit_rate_limit(&format!("code-client:{client}"), 3_600_000, now).await?
        <= accounts::CODE_REQUESTS_PER_CLIENT_PER_HOUR
        && store.hit_rate_limit(&format!("code-address-client:{address}\n{client}"), 3_600_000, now).await?
            <= accounts::CODES_PER_ADDRESS_AND_CLIENT_PER_HOUR
        && store.hit_rate_limit(&format!("code-address:{address}"), 3_600_000, now).await?
            <= accounts::CODES_PER_ADDRESS_PER_HOUR;
    if !allowed {
        form.error_key("email", "sign-in-error-too-many-codes");
        return sign_in_page(page, &state, form, next, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let person = store.person_by_email(&email).await?;
    let may_use_code = match &person {
        Some(p) => accounts::may_use_email_code(&Roles::from_rows(&store.roles_of(&p.id).await?)),
        None => true,
    };
    if may_use_code {
        let locale =
            person.as_ref().and_then(|p| crate::i18n::Locale::from_code(&p.preferred_locale)).unwrap_or(page.locale);
        accounts::send_code(
            store,
            &state.settings.secret_key,
            &email,
            Box::new(|code: &str| {
                compose_for(
                    &state,
                    &email,
                    locale,
                    Notice::sign_in_code(code, (accounts::CODE_LIFETIME_MS / 60_000) as u32),
                )
            }),
            now,
        )
        .await?;
    } else {
        accounts::hold_code_place(store, &email, now).await?;
    }
    let cookie = EmailCookie::make(
        &state.settings.secret_key,
        EmailCookie::PENDING,
        &email,
        now + accounts::CODE_LIFETIME_MS,
        state.settings.secure_cookies(),
    );
    let location =
        format!("/sign-in/code?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
    Ok(redirect(location).cookie(cookie).finish())
}

#[derive(Template)]
#[template(path = "accounts/code.html")]
struct CodePage {
    page: Page,
    form: FormState,
    masked_email: String,
    next: String,
}

pub async fn show_code(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    let Some(email) = EmailCookie::read(&req, &state.settings.secret_key, EmailCookie::PENDING, now_ms()) else {
        return Ok(see_other("/sign-in"));
    };
    render_with_status(
        StatusCode::OK,
        &CodePage { page, form: FormState::default(), masked_email: accounts::mask_email(&email), next },
    )
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

pub async fn enter_code(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(input.next.as_deref());
    let now = now_ms();
    let key = &state.settings.secret_key;
    let Some(email) = EmailCookie::read(&req, key, EmailCookie::PENDING, now) else {
        return Ok(see_other("/sign-in"));
    };
    let mut form = FormState::with_values([("code", input.code.as_str())]);
    let attempts =
        state.store.hit_rate_limit(&format!("sign-in:{}", client_key(&req)), accounts::SIGN_IN_WINDOW_MS, now).await?;
    let outcome = if attempts > accounts::SIGN_IN_ATTEMPTS_PER_CLIENT {
        Err(CodeProblem::TooManyAttempts)
    } else {
        accounts::redeem_code(&state.store, key, &email, &input.code, now).await?
    };
    if let Err(problem) = outcome {
        form.error_key("code", problem.message_key());
        let status = if problem == CodeProblem::TooManyAttempts {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_with_status(status, &CodePage { page, form, masked_email: accounts::mask_email(&email), next });
    }
    let secure = state.settings.secure_cookies();
    match state.store.person_by_email(&email).await? {
        Some(person) if !accounts::may_use_email_code(&Roles::from_rows(&state.store.roles_of(&person.id).await?)) => {
            // Cannot happen (their code row matches no code); refused all the same, as a wrong code.
            form.error_key("code", CodeProblem::Wrong.message_key());
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CodePage { page, form, masked_email: accounts::mask_email(&email), next },
            )
        }
        Some(person) => {
            let token = accounts::start_session(&state.store, key, &person.id, "email_code", now).await?;
            Ok(redirect(next)
                .cookie(session_cookie(&token, secure))
                .cookie(EmailCookie::removal(EmailCookie::PENDING))
                .finish())
        }
        None => {
            let verified =
                EmailCookie::make(key, EmailCookie::VERIFIED, &email, now + accounts::SIGN_UP_WINDOW_MS, secure);
            Ok(redirect("/sign-up").cookie(verified).cookie(EmailCookie::removal(EmailCookie::PENDING)).finish())
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PasskeyForm {
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

pub async fn with_passkey(
    page: Page,
    state: web::Data<AppState>,
    req: HttpRequest,
    input: web::Form<PasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(input.next.as_deref());
    let now = now_ms();
    let attempts =
        state.store.hit_rate_limit(&format!("sign-in:{}", client_key(&req)), accounts::SIGN_IN_WINDOW_MS, now).await?;
    let result = if attempts > accounts::SIGN_IN_ATTEMPTS_PER_CLIENT {
        Err("sign-in-error-too-many")
    } else if input.credential.is_empty() {
        Err("passkey-error-no-script")
    } else {
        passkeys::finish_authentication(&state.webauthn, &state.store, &input.ceremony, &input.credential)
            .await
            .map_err(|e| {
                tracing::info!(cause = %e, "passkey sign-in refused");
                e.message_key()
            })
    };
    match result {
        Ok(person) => {
            let token =
                accounts::start_session(&state.store, &state.settings.secret_key, &person.id, "passkey", now).await?;
            Ok(redirect(next).cookie(session_cookie(&token, state.settings.secure_cookies())).finish())
        }
        Err(key) => {
            let mut form = FormState::default();
            form.error_key("passkey-button", key);
            let status = if key == "sign-in-error-too-many" {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            sign_in_page(page, &state, form, next, status).await
        }
    }
}

pub async fn sign_out(state: web::Data<AppState>, user: Option<CurrentUser>) -> Result<HttpResponse, AppError> {
    if let Some(u) = user {
        state.store.end_session(&u.token_hash).await?;
    }
    Ok(redirect("/").cookie(removal_cookie(state.settings.secure_cookies())).finish())
}
