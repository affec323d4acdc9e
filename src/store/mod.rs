//! All SQL lives under this module, written once for SQLite and PostgreSQL.
//!
//! Queries are checked at run time (`sqlx::query` on an `AnyPool`), not at compile time: one query text must
//! serve both databases, and the integration tests run on both to check it. Rules that keep one text portable:
//! `$1` placeholders (SQLite reads them too; only the multi-row inserts of `values_placeholders` use `?` there);
//! ids are TEXT (UUIDs made in Rust); times are BIGINT milliseconds since the epoch (UTC); calendar dates are TEXT
//! `YYYY-MM-DD`; flags are BIGINT 0/1, never BOOLEAN (the Any driver cannot read a SQLite boolean). Only the DDL
//! differs, in `migrations/sqlite` and `migrations/postgres`.

pub mod access_log;
pub mod accounts;
pub mod bulk;
pub mod card_production;
pub mod card_requests;
pub mod certificates;
pub mod custody;
pub mod decisions;
pub mod demo;
pub mod demo_bulk;
pub mod demo_custody;
pub mod demo_outreach;
pub mod demo_scale;
pub mod enrolments;
pub mod facility;
pub mod feedback;
pub mod office;
pub mod organisations;
pub mod outbox;
pub mod outreach;
pub mod reminders;
pub mod renewals;
pub mod representation;
pub mod requests;
pub mod runs;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::clock::Clock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
    /// The private folder of card-request photos (`with_photo_dir`; `card-photos` under the working folder
    /// until set).
    photo_dir: std::sync::Arc<std::path::PathBuf>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    pub async fn connect(database_url: &str, max_connections: u32) -> Result<Store, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if database_url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        if backend == Backend::Sqlite {
            create_sqlite_file(database_url)?;
        }
        let options = AnyConnectOptions::from_str(database_url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on while one writer writes; the busy timeout queues writers. A
                        // 32 MiB page cache per connection (the default is 2 MiB, taken only as used) keeps the
                        // indexes a large run writes to in memory, instead of reading pages back from the file.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            clock: Clock::system(),
            photo_dir: std::sync::Arc::new(std::path::PathBuf::from("card-photos")),
        })
    }

    /// Keeps card-request photos in `dir` (made readable by the service's own user only when first written).
    pub fn with_photo_dir(mut self, dir: std::path::PathBuf) -> Store {
        self.photo_dir = std::sync::Arc::new(dir);
        self
    }

    pub fn card_photo_dir(&self) -> &std::path::Path {
        &self.photo_dir
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The clock leases, deadlines and "today" are read from; every clone of the store shares it.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The same database, read with `clock` (tests: an adjustable one).
    pub fn with_clock(self, clock: Clock) -> Store {
        Store { clock, ..self }
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The SQLite file's folder (0700) and the file itself (0600), made before SQLite opens it: SQLite would create
/// it with the process's default mode, readable by every user of the machine.
fn create_sqlite_file(database_url: &str) -> Result<(), sqlx::Error> {
    let rest = database_url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::create_dir(dir).map_err(sqlx::Error::Io)?;
    }
    // Only where SQLite itself would create a missing file.
    if !query.split('&').any(|p| p == "mode=rwc") {
        return Ok(());
    }
    match crate::private_files::create_new_file(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(sqlx::Error::Io(e)),
    }
}

impl Backend {
    /// The backend a connection (or transaction) talks to.
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") { Backend::Sqlite } else { Backend::Postgres }
    }
}

/// The VALUES of a multi-row INSERT of `rows` rows of `columns` columns each: `($1, $2, …), (…)` on PostgreSQL,
/// `(?, ?, …), (…)` on SQLite. SQLite finds a named parameter such as `$7` by walking a list of every name in the
/// statement, once per bound value: with thousands of values, numbered names made binding take most of a run's
/// time, and plain `?` (bound in order) costs nothing.
pub(crate) fn values_placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::new();
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..columns {
            if col > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${}", row * columns + col + 1)),
            }
        }
        sql.push(')');
    }
    sql
}

/// `text` as a LIKE pattern that matches only itself, for a query that says `ESCAPE '\'`.
pub(crate) fn like_literal(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// Milliseconds since the epoch, the one time format in the database.
pub fn now_ms() -> i64 {
    Clock::system().now_ms()
}

/// Today's date in Japan, the calendar every rule of the service counts in.
pub fn today_jst() -> chrono::NaiveDate {
    Clock::system().today()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[tokio::test]
    async fn a_new_sqlite_database_is_the_owners_only() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("data/madoguchi.db");
        let store = Store::connect(&format!("sqlite:{}?mode=rwc", file.display()), 1).await.unwrap();
        store.ping().await.unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root.path().join("data")), 0o700);
        assert_eq!(mode(&file), 0o600);
        store.close().await;
    }
}
