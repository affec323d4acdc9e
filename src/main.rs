use std::process::ExitCode;

use madoguchi::app::{Application, init_tracing, prepare_store};
use madoguchi::config::{Settings, Source};

const HELP: &str = "\
madoguchi — accessible self-service portal for the My Number Card and health insurance

Usage: madoguchi [COMMAND]

Commands:
  serve       Migrate the database, load demo data when MADOGUCHI_DEMO is on, and serve (the default)
  migrate     Bring the database schema up to date, then stop
  demo-data   Load the demo data (once; again changes nothing), then stop. With --scale N, also a large
              made-up dataset of N requests for load tests (benches/load.sh), also once
  demo-session PERSON
              Start a session for a person of the demo data and print its cookie value (load tests)
  issuing-body  Run the simulated issuing body: it takes signed orders on MADOGUCHI_ISSUING_BODY_BIND and
              reports each card's production to the portal at MADOGUCHI_BASE_URL (needs MADOGUCHI_ISSUING_BODY_KEY)
  add-staff   Add an officer, facility staff member or administrator and print their invitation link:
              madoguchi add-staff --name 鈴木一郎 --kana スズキイチロウ --email a@city.example.jp \
                --role municipal_officer --organisation mun-aoba
              (roles: municipal_officer, insurer_officer, facility_admin, facility_staff, admin)
  help        Show this text

Configuration is read from the environment (and from a KEY=value file named by MADOGUCHI_CONFIG):
  MADOGUCHI_BIND                       address to listen on            (127.0.0.1:8080)
  MADOGUCHI_BASE_URL                   address people use              (http://localhost:8080)
  DATABASE_URL                         sqlite:… or postgres://…        (SQLite under MADOGUCHI_DATA_DIR)
  MADOGUCHI_DATA_DIR                   folder for SQLite and the key   (data)
  MADOGUCHI_DATABASE_MAX_CONNECTIONS   pool size                       (10)
  MADOGUCHI_SECRET_KEY                 64 hex characters               (made and kept in the data folder)
  MADOGUCHI_DEFAULT_LOCALE             ja, en or ja-easy               (ja)
  MADOGUCHI_DEMO                       demo data and demo helpers      (true only on SQLite + localhost)
  MADOGUCHI_TRUSTED_PROXIES            proxies believed for X-Forwarded-For (none)
  MADOGUCHI_BODY_TIMEOUT_SECONDS       time for a request body         (30)
  MADOGUCHI_MIGRATION_DATABASE_URL     PostgreSQL owner for migrations (unset: DATABASE_URL)
  MADOGUCHI_RUN_WORKER                 work issuance runs on this node (true)
  MADOGUCHI_SMTP_URL                   smtp://host:port …              (unset: mail stays in the outbox)
  MADOGUCHI_MAIL_FROM                  sender mailbox                  (madoguchi <no-reply@localhost>)
  MADOGUCHI_ISSUING_BODY_KEY           callback/order signing key, 32+ characters (derived in demo mode; else none)
  MADOGUCHI_ISSUING_BODY_URL           the issuing body's address      (unset: simulated in demo mode, else wait)
  MADOGUCHI_ISSUING_BODY_BIND          where issuing-body listens      (127.0.0.1:8090)
  MADOGUCHI_ISSUING_BODY_STEP_SECONDS  simulated time per stage        (20)
  MADOGUCHI_EXPRESS_CAPACITY_NATIONAL  express cards a day, nationally (2000)
  MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY  … per municipality          (50)
  MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY  own figures: id:n,id:n   (none)
  MADOGUCHI_LOG, MADOGUCHI_LOG_FORMAT  log filter and text|json        (info, text)
";

#[actix_web::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".to_string());
    if matches!(command.as_str(), "help" | "--help" | "-h") {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    if !matches!(command.as_str(), "serve" | "migrate" | "demo-data" | "demo-session" | "add-staff" | "issuing-body") {
        eprintln!("madoguchi: unknown command '{command}'.\n\n{HELP}");
        return ExitCode::from(2);
    }
    let settings = match Source::from_environment().and_then(|s| Settings::load(&s)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("madoguchi: cannot start. {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(settings.log_format);
    let outcome = match command.as_str() {
        "migrate" => prepare_store(&Settings { demo_mode: false, ..settings }).await.map(|_| {
            println!("The database is up to date.");
        }),
        "demo-data" => demo_data(settings).await,
        "demo-session" => demo_session(settings).await,
        "add-staff" => add_staff(settings).await,
        "issuing-body" => issuing_body(settings).await,
        _ => serve(settings).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("madoguchi: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `madoguchi demo-data [--scale N]`
async fn demo_data(settings: Settings) -> Result<(), madoguchi::app::StartError> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let scale = match args.as_slice() {
        [] => None,
        [flag, n] if flag == "--scale" => match n.replace('_', "").parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => usage_error("demo-data", "--scale takes a whole number of requests, such as 10000"),
        },
        _ => usage_error("demo-data", "the only option is --scale N"),
    };
    let key = settings.secret_key.clone();
    let store = prepare_store(&Settings { demo_mode: false, ..settings }).await?;
    match scale {
        None => match store.load_demo_data(&key).await? {
            true => println!("Demo data loaded."),
            false => println!("Demo data was already there; nothing changed."),
        },
        Some(n) => {
            let started = std::time::Instant::now();
            match store.load_scale_data(&key, n).await? {
                Some(c) => println!(
                    "Large demo dataset loaded in {:.1} s: {} requests ({} timeline events, {} certificates), \
                     {} people, {} enrolment records, {} representations, {} facility residents.",
                    started.elapsed().as_secs_f64(),
                    c.requests,
                    c.events,
                    c.certificates,
                    c.people,
                    c.enrolments,
                    c.representations,
                    c.facility_residents
                ),
                None => println!("A large demo dataset was already there; nothing changed."),
            }
        }
    }
    Ok(())
}

/// `madoguchi demo-session PERSON`: only people the demo data made, never a real account.
async fn demo_session(settings: Settings) -> Result<(), madoguchi::app::StartError> {
    let Some(person) = std::env::args().nth(2) else { usage_error("demo-session", "name a demo person's id") };
    let key = settings.secret_key.clone();
    let store = prepare_store(&Settings { demo_mode: false, ..settings }).await?;
    if store.demo_person(&person).await?.is_none() {
        usage_error("demo-session", "that is not a person of the demo data");
    }
    let method =
        if store.roles_of(&person).await?.iter().any(|r| r.role != "resident") { "passkey" } else { "email_code" };
    let token = madoguchi::accounts::start_session(&store, &key, &person, method, madoguchi::store::now_ms()).await?;
    println!("{token}");
    Ok(())
}

fn usage_error(command: &str, message: &str) -> ! {
    eprintln!("madoguchi {command}: {message}");
    std::process::exit(2);
}

/// `madoguchi add-staff --name … --kana … --email … --role … [--organisation …]`
async fn add_staff(settings: Settings) -> Result<(), madoguchi::app::StartError> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    match madoguchi::app::add_staff_from_args(&settings, &args).await {
        Ok(link) => {
            println!("Added. Invitation link (valid 24 hours, works once; also queued by e-mail):\n{link}");
            Ok(())
        }
        Err(message) => {
            eprintln!("madoguchi add-staff: {message}");
            std::process::exit(2);
        }
    }
}

/// `madoguchi issuing-body`: the simulated issuing body as its own process. It needs the key the portal has:
/// outside demo mode there is no default.
async fn issuing_body(settings: Settings) -> Result<(), madoguchi::app::StartError> {
    let Some(key) = settings.express.issuing_body_key.clone() else {
        eprintln!("madoguchi issuing-body: set MADOGUCHI_ISSUING_BODY_KEY (the same key as the portal's).");
        std::process::exit(2);
    };
    let bind = settings.express.issuing_body_bind;
    madoguchi::issuing::simulator::serve(bind, settings.base_url.clone(), key, settings.express.issuing_body_step)
        .await
        .map_err(|source| madoguchi::app::StartError::Bind { addr: bind.to_string(), source })
}

async fn serve(settings: Settings) -> Result<(), madoguchi::app::StartError> {
    let demo = settings.demo_mode;
    let app = Application::build(settings).await?;
    println!("madoguchi is running at {}", app.base_url());
    if demo {
        println!("Demo mode: demo data is loaded. It is never on by default outside http://localhost with SQLite.");
    }
    app.run_until_stopped().await.map_err(|source| madoguchi::app::StartError::Bind { addr: "server".into(), source })
}
