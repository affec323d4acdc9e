//! Floors for the load benchmark (`cargo build --release --example floors`). `floors PORT DATABASE_FILE`
//! serves:
//! - `/hello`: a bare actix-web text response, the most any page on this machine can do;
//! - `/read`: one indexed read from a SQLite pool (the `session` cookie looked up by primary key, with the
//!   native SQLite driver) and an HTML page of about the size of madoguchi's signed-in pages;
//! - `/read-any`: the same read through sqlx's `Any` driver, to see what the driver madoguchi uses costs.

use std::str::FromStr;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AnyPool, SqlitePool};

const SESSIONS: i64 = 10_000;
const POOL: u32 = 10;

#[derive(sqlx::FromRow)]
struct Session {
    person_id: String,
    name: String,
    expires_at: i64,
}

/// A page of twenty list rows (about 8 KB), as a signed-in list page is.
fn page(session: Option<Session>) -> HttpResponse {
    let Some(s) = session else { return HttpResponse::SeeOther().insert_header(("Location", "/sign-in")).finish() };
    let mut html = String::with_capacity(9_000);
    html.push_str(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>申請の一覧</title>\
         <link rel=\"stylesheet\" href=\"/static/site.css\"></head><body><header><a href=\"/\">窓口</a>\
         <nav><a href=\"/account\">アカウント</a></nav></header><main><h1>申請の一覧</h1><table><thead><tr>\
         <th scope=\"col\">受付番号</th><th scope=\"col\">種類</th><th scope=\"col\">状態</th>\
         <th scope=\"col\">更新</th></tr></thead><tbody>",
    );
    for i in 0..20 {
        html.push_str(&format!(
            "<tr><td><a href=\"/requests/{id}-{i}\">R-7K3F-9Q2X-{i}</a></td><td>資格確認書の交付</td>\
             <td><strong class=\"tag\">審査中</strong></td><td>{name} さん・{at}</td></tr>",
            id = s.person_id,
            name = s.name,
            at = s.expires_at
        ));
    }
    html.push_str(
        "</tbody></table><p><a href=\"/requests?after=x\">次の20件</a></p></main><footer></footer></body></html>",
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html)
}

fn token(req: &HttpRequest) -> String {
    req.cookie("session").map(|c| c.value().to_string()).unwrap_or_default()
}

const READ: &str = "SELECT person_id, name, expires_at FROM sessions WHERE token_hash = $1";

async fn hello() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("hello")
}

async fn read(req: HttpRequest, pool: web::Data<SqlitePool>) -> HttpResponse {
    match sqlx::query_as::<_, Session>(READ).bind(token(&req)).fetch_optional(pool.get_ref()).await {
        Ok(s) => page(s),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

async fn read_any(req: HttpRequest, pool: web::Data<AnyPool>) -> HttpResponse {
    match sqlx::query_as::<_, Session>(READ).bind(token(&req)).fetch_optional(pool.get_ref()).await {
        Ok(s) => page(s),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("usage: floors PORT DATABASE_FILE");
    let file = args.next().expect("usage: floors PORT DATABASE_FILE");
    let options = SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(10));
    let native =
        SqlitePoolOptions::new().max_connections(POOL).connect_with(options).await.expect("the floor database opens");
    sqlx::query("CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, name TEXT NOT NULL, expires_at BIGINT NOT NULL)")
        .execute(&native)
        .await
        .expect("the floor table");
    let mut tx = native.begin().await.expect("a transaction");
    for i in 0..SESSIONS {
        sqlx::query("INSERT OR IGNORE INTO sessions VALUES ($1, $2, '山田 太郎', $3)")
            .bind(format!("tok-{i}"))
            .bind(format!("person-{i}"))
            .bind(1_900_000_000_000_i64 + i)
            .execute(&mut *tx)
            .await
            .expect("a floor row");
    }
    tx.commit().await.expect("the floor rows");
    sqlx::any::install_default_drivers();
    let any = AnyPoolOptions::new()
        .max_connections(POOL)
        .connect_with(AnyConnectOptions::from_str(&format!("sqlite:{file}")).expect("an Any URL"))
        .await
        .expect("the floor database opens through Any");
    let native = web::Data::new(native);
    let any = web::Data::new(any);
    println!("floors listening on 127.0.0.1:{port}");
    HttpServer::new(move || {
        App::new()
            .app_data(native.clone())
            .app_data(any.clone())
            .route("/hello", web::get().to(hello))
            .route("/read", web::get().to(read))
            .route("/read-any", web::get().to(read_any))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
