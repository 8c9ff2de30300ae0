//! Test support: one isolated database per test on every available backend.
//!
//! SQLite always runs (a fresh in-memory database). PostgreSQL runs when
//! `ORM_TEST_POSTGRES_URL` is set (a fresh schema per test, via `search_path`), MySQL/MariaDB
//! when `ORM_TEST_MYSQL_URL` is set (a fresh database per test). Tests therefore run in
//! parallel without seeing each other's tables.

use orm::{Db, Value};

/// One backend's database for one test.
pub struct TestDb {
    /// `sqlite`, `postgres` or `mysql`, for assertion messages.
    pub name: &'static str,
    /// The isolated database.
    pub db: Db,
}

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "ORM_TEST_POSTGRES_URL";
/// Environment variable naming the MySQL/MariaDB server for tests.
pub const MYSQL_ENV: &str = "ORM_TEST_MYSQL_URL";

/// A fresh, empty database per available backend, named after `test`.
pub async fn backends(test: &str) -> Vec<TestDb> {
    let mut out = vec![TestDb {
        name: "sqlite",
        db: Db::connect("sqlite::memory:")
            .await
            .expect("open SQLite in memory"),
    }];
    let ident = sanitize(test);
    if let Some(url) = env_url(POSTGRES_ENV) {
        out.push(TestDb {
            name: "postgres",
            db: postgres_schema(&url, &ident).await,
        });
    }
    if let Some(url) = env_url(MYSQL_ENV) {
        out.push(TestDb {
            name: "mysql",
            db: mysql_database(&url, &ident).await,
        });
    }
    out
}

fn env_url(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

fn sanitize(test: &str) -> String {
    let mut s: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s.truncate(50);
    format!("t_{s}")
}

async fn postgres_schema(url: &str, schema: &str) -> Db {
    let admin = Db::builder(url)
        .max_connections(1)
        .connect()
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute_raw(
            &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
            vec![],
        )
        .await
        .expect("drop test schema");
    admin
        .execute_raw(&format!("CREATE SCHEMA \"{schema}\""), vec![])
        .await
        .expect("create test schema");
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}options=-c%20search_path%3D{schema}&max_connections=4");
    Db::connect(&url).await.expect("connect to the test schema")
}

async fn mysql_database(url: &str, database: &str) -> Db {
    let admin = Db::builder(url)
        .max_connections(1)
        .connect()
        .await
        .expect("connect to MySQL");
    admin
        .execute_raw(&format!("DROP DATABASE IF EXISTS `{database}`"), vec![])
        .await
        .expect("drop test database");
    admin
        .execute_raw(
            &format!("CREATE DATABASE `{database}` CHARACTER SET utf8mb4"),
            vec![],
        )
        .await
        .expect("create test database");
    admin.close().await;
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}&max_connections=4")),
        None => (url, "?max_connections=4".to_owned()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let url = format!("{}/{database}{query}", &base[..host_end]);
    Db::connect(&url)
        .await
        .expect("connect to the test database")
}

/// Shorthand for building parameter lists in golden tests.
pub fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// The guide's pages in `docs/`, compiled and run as doctests so every snippet stays true.
pub mod docs;

/// A pool of exactly one connection to `url` that waits at most 3 s for it: for tests that
/// count what one server session did, or watch one connection.
pub async fn one_connection(url: &str) -> Db {
    Db::builder(url)
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(3))
        .connect()
        .await
        .unwrap()
}

/// Runs `work` to its end, panicking with `stalled` if it takes longer than `limit` (a
/// statement left waiting for a connection) and with the error if it fails.
pub async fn finish_within(
    limit: std::time::Duration,
    stalled: &str,
    work: impl std::future::Future<Output = orm::Result<()>>,
) {
    // Boxed: the futures of whole test bodies are too large for the stack in debug builds.
    let work: std::pin::Pin<Box<dyn std::future::Future<Output = orm::Result<()>> + '_>> =
        Box::pin(work);
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| panic!("{stalled}"))
        .unwrap();
}

/// Like [`backends`], and also each database's URL, so a test can open more pools to the same
/// isolated database (concurrent migrations, a CLI process). SQLite is a file in the temporary
/// directory here: an in-memory database cannot be shared between pools.
pub async fn backend_urls(test: &str) -> Vec<(TestDb, String)> {
    let ident = sanitize(test);
    let path = std::env::temp_dir().join(format!("orm-{ident}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let sqlite = format!("sqlite://{}?mode=rwc", path.display());
    let mut urls = vec![("sqlite", sqlite)];
    if let Some(url) = env_url(POSTGRES_ENV) {
        urls.push(("postgres", isolated_postgres_url(&url, &ident).await));
    }
    if let Some(url) = env_url(MYSQL_ENV) {
        urls.push(("mysql", isolated_mysql_url(&url, &ident).await));
    }
    let mut out = Vec::new();
    for (name, url) in urls {
        let db = Db::connect(&url)
            .await
            .expect("connect to the test database");
        out.push((TestDb { name, db }, url));
    }
    out
}

/// A fresh schema named `schema`, and a URL whose connections use it.
async fn isolated_postgres_url(url: &str, schema: &str) -> String {
    let admin = Db::builder(url)
        .max_connections(1)
        .connect()
        .await
        .expect("connect to PostgreSQL");
    for sql in [
        format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
        format!("CREATE SCHEMA \"{schema}\""),
    ] {
        admin
            .execute_raw(&sql, vec![])
            .await
            .expect("reset test schema");
    }
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}&max_connections=4")
}

/// A fresh database named `database`, and a URL to it.
async fn isolated_mysql_url(url: &str, database: &str) -> String {
    let admin = Db::builder(url)
        .max_connections(1)
        .connect()
        .await
        .expect("connect to MySQL");
    for sql in [
        format!("DROP DATABASE IF EXISTS `{database}`"),
        format!("CREATE DATABASE `{database}` CHARACTER SET utf8mb4"),
    ] {
        admin
            .execute_raw(&sql, vec![])
            .await
            .expect("reset test database");
    }
    admin.close().await;
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}&max_connections=4")),
        None => (url, "?max_connections=4".to_owned()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    format!("{}/{database}{query}", &base[..host_end])
}
