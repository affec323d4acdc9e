//! Start-up: connect and migrate the database, load demo data if asked, bind, serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};

use crate::clock::Clock;
use crate::config::{LogFormat, Settings};
use crate::i18n::Localizer;
use crate::issuance::worker::{RunWorkerConfig, RunWorkerHandle};
use crate::notify::{Mailer, WorkerConfig, WorkerHandle};
use crate::store::Store;
use crate::web::AppState;
use crate::web::assets::Assets;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("passkeys cannot be set up for MADOGUCHI_BASE_URL: {0}")]
    Passkeys(String),
    #[error("the locale files do not load: {0}")]
    Locales(#[from] crate::i18n::LocaleFileError),
    #[error("cannot set up e-mail: {0}")]
    Mailer(#[from] crate::notify::mailer::MailerConfigError),
}

pub struct Application {
    port: u16,
    base_url: url::Url,
    store: Store,
    server: Server,
    mail_worker: Option<WorkerHandle>,
    reminders: crate::notify::reminders::ReminderHandle,
    run_worker: Option<RunWorkerHandle>,
    express_dispatcher: Option<crate::background::TaskHandle>,
    outreach_sweep: crate::background::TaskHandle,
}

/// Opens the database and brings its schema up to date; loads demo data when the settings ask for it.
pub async fn prepare_store(settings: &Settings) -> Result<Store, StartError> {
    // With a migration role, the schema is changed by its owner and the serving pool cannot alter it.
    if let Some(owner_url) = &settings.migration_database_url {
        let owner = Store::connect(owner_url, 1).await?;
        let migrated = owner.migrate().await;
        owner.close().await;
        migrated?;
    }
    let store = Store::connect(&settings.database_url, settings.database_max_connections)
        .await?
        .with_photo_dir(crate::store::card_requests::photo_dir(&settings.data_dir));
    if settings.migration_database_url.is_none() {
        store.migrate().await?;
    }
    if settings.demo_mode && store.load_demo_data(&settings.secret_key).await? {
        tracing::info!("demo data loaded");
    }
    Ok(store)
}

impl Application {
    /// The application on the system clock.
    pub async fn build(settings: Settings) -> Result<Application, StartError> {
        Application::build_with_clock(settings, Clock::system()).await
    }

    /// The application reading the time from `clock`: tests pass an adjustable one and move it.
    pub async fn build_with_clock(mut settings: Settings, clock: Clock) -> Result<Application, StartError> {
        let store = prepare_store(&settings).await?.with_clock(clock.clone());
        let listener = TcpListener::bind(settings.bind)
            .map_err(|source| StartError::Bind { addr: settings.bind.to_string(), source })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr: settings.bind.to_string(), source })?
            .port();
        // Port 0 (tests) means "any free port": the base URL follows the port we got.
        if settings.bind.port() == 0 && settings.base_url.port() == Some(0) {
            let _ = settings.base_url.set_port(Some(port));
        }
        let base_url = settings.base_url.clone();
        let mail_worker = start_mail_worker(&settings, &store)?;
        // Issuance runs are database jobs: every node may work them, one batch and one lease at a time.
        let run_worker = settings.run_worker.then(|| {
            crate::issuance::worker::spawn(store.clone(), settings.secret_key.clone(), RunWorkerConfig::default())
        });
        let express_dispatcher = issuing_body(&settings, &base_url).map(|body| {
            crate::issuing::dispatcher::spawn(
                crate::issuing::dispatcher::Dispatcher {
                    store: store.clone(),
                    body,
                    capacity: settings.express.capacity.clone(),
                },
                crate::issuing::dispatcher::INTERVAL,
            )
        });
        let localizer = Arc::new(Localizer::load()?);
        let reminders = crate::notify::reminders::spawn(
            crate::notify::reminders::Reminders {
                store: store.clone(),
                localizer: localizer.clone(),
                base_url: base_url.clone(),
                default_locale: settings.default_locale,
            },
            crate::notify::reminders::INTERVAL,
        );
        let outreach_sweep = crate::outreach::sweep::spawn(
            store.clone(),
            crate::outreach::mails::OutreachMails {
                localizer: localizer.clone(),
                base_url: base_url.clone(),
                default_locale: settings.default_locale,
                from: settings.smtp.from.clone(),
            },
            crate::outreach::sweep::INTERVAL,
        );
        let service_name = localizer.plain(settings.default_locale, "service-name", &[]);
        let webauthn =
            Arc::new(crate::accounts::passkeys::build(&base_url, &service_name).map_err(StartError::Passkeys)?);
        let state = web::Data::new(AppState {
            webauthn,
            settings: Arc::new(settings),
            store: store.clone(),
            localizer,
            assets: Arc::new(Assets::load()),
            clock,
        });
        let server = HttpServer::new(move || crate::web::app(state.clone()))
            .listen(listener)
            .map_err(|source| StartError::Bind { addr: port.to_string(), source })?
            .run();
        Ok(Application {
            port,
            base_url,
            store,
            server,
            mail_worker,
            reminders,
            run_worker,
            express_dispatcher,
            outreach_sweep,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until the server stops (on SIGINT or SIGTERM), then stops the workers cleanly.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let outcome = self.server.await;
        self.reminders.stop().await;
        self.outreach_sweep.stop().await;
        if let Some(dispatcher) = self.express_dispatcher {
            dispatcher.stop().await;
        }
        if let Some(worker) = self.run_worker {
            worker.stop().await;
        }
        if let Some(worker) = self.mail_worker {
            worker.stop().await;
        }
        outcome
    }
}

/// Where accepted express card requests go: the issuing body at `MADOGUCHI_ISSUING_BODY_URL`, or in demo mode
/// the simulated one inside this process. Without either (or without a key), orders wait in the queue.
fn issuing_body(settings: &Settings, base_url: &url::Url) -> Option<Arc<dyn crate::issuing::IssuingBody>> {
    use crate::issuing::simulator::{InProcessIssuingBody, Reporter};
    let Some(key) = settings.express.issuing_body_key.clone() else {
        tracing::info!("MADOGUCHI_ISSUING_BODY_KEY is not set: accepted express card requests wait in the queue");
        return None;
    };
    match &settings.express.issuing_body_url {
        Some(url) => Some(Arc::new(crate::issuing::HttpIssuingBody::new(url, key))),
        None if settings.demo_mode => Some(Arc::new(InProcessIssuingBody::spawn(Reporter::new(
            base_url,
            key,
            settings.express.issuing_body_step,
        )))),
        None => {
            tracing::info!("MADOGUCHI_ISSUING_BODY_URL is not set: accepted express card requests wait in the queue");
            None
        }
    }
}

/// A delivery worker when SMTP is configured; without it, mail waits in the outbox.
fn start_mail_worker(settings: &Settings, store: &Store) -> Result<Option<WorkerHandle>, StartError> {
    let Some(url) = &settings.smtp.url else {
        tracing::info!("MADOGUCHI_SMTP_URL is not set: e-mails stay in the outbox");
        return Ok(None);
    };
    let mailer = Mailer::from_settings(&settings.smtp)?;
    tracing::info!(smtp = %crate::config::redact_url(url), "e-mails are delivered over SMTP");
    Ok(Some(crate::notify::worker::spawn(store.clone(), mailer, WorkerConfig::default())))
}

pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MADOGUCHI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The `add-staff` command: parses its flags, creates the person with their role and an invitation (e-mail
/// queued in the outbox), and returns the invitation link. Errors are one line for the terminal.
pub async fn add_staff_from_args(settings: &Settings, args: &[String]) -> Result<String, String> {
    use crate::accounts::{self, Role};
    use crate::domain::{EmailAddress, Furigana, PersonName};
    use crate::notify::mail::{Notice, compose};
    use crate::store::organisations::NewStaff;

    let flag =
        |name: &str| -> Option<String> { args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned() };
    let need = |name: &str| flag(name).ok_or_else(|| format!("{name} is missing"));
    let name: PersonName = need("--name")?.parse().map_err(|e| format!("--name: {e}"))?;
    let kana: Furigana = need("--kana")?.parse().map_err(|e| format!("--kana: {e}"))?;
    let email: EmailAddress = need("--email")?.parse().map_err(|e| format!("--email: {e}"))?;
    let role = Role::from_code(&need("--role")?)
        .filter(|r| *r != Role::Resident)
        .ok_or("--role must be municipal_officer, insurer_officer, facility_admin, facility_staff or admin")?;
    let organisation = flag("--organisation").unwrap_or_default();
    let store = prepare_store(&Settings { demo_mode: false, ..settings.clone() }).await.map_err(|e| e.to_string())?;
    let kind = crate::journeys::admin::organisation_kind(role).unwrap_or("");
    let known = store.organisations().await.map_err(|e| e.to_string())?;
    if kind.is_empty() != organisation.is_empty()
        || (!kind.is_empty() && !known.iter().any(|o| o.id == organisation && o.kind == kind))
    {
        let ids: Vec<String> = known.iter().filter(|o| o.kind == kind).map(|o| o.id.clone()).collect();
        return Err(format!("--organisation must name a {kind} for this role: one of {ids:?}"));
    }
    if store.person_by_email(&email.to_string()).await.map_err(|e| e.to_string())?.is_some() {
        return Err(format!("{email} already has an account"));
    }
    let localizer = Localizer::load().map_err(|e| e.to_string())?;
    let locale = settings.default_locale;
    let role_name = localizer.plain(locale, role.message_key(), &[]);
    let base = settings.base_url.clone();
    let link_for = |token: &str| format!("{base}invitation/{token}");
    let mail_for = Box::new(|token: &str| {
        compose(
            &localizer,
            &base,
            locale,
            &email,
            &Notice::invitation(&link_for(token), &role_name, accounts::INVITATION_LIFETIME_HOURS as u32),
        )
        .map_err(|e| e.to_string())
    });
    let staff = NewStaff {
        name: &name.to_string(),
        name_kana: &kana.to_string(),
        email: &email.to_string(),
        role: role.code(),
        organisation_id: &organisation,
        locale: locale.code(),
    };
    let (_, token) = accounts::add_staff(&store, &settings.secret_key, &staff, None, crate::store::now_ms(), mail_for)
        .await
        .map_err(|e| e.to_string())?;
    Ok(link_for(&token))
}
