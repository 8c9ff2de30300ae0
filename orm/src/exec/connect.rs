//! Opening pools from URLs: scheme dispatch, pool options, URL validation, SQLite defaults.

use std::str::FromStr;
use std::time::Duration;

#[cfg(any(feature = "postgres", feature = "mysql"))]
use super::nodelay::{self, SeenPorts};
use super::{Conns, Db, Pool, PoolSettings};
use crate::error::{Error, Result};

/// Options the ORM reads from the URL for the pool itself; every other option goes to the driver.
const POOL_OPTIONS: &[&str] = &[
    "max_connections",
    "min_connections",
    "acquire_timeout",
    "idle_timeout",
];
const SQLITE_OPTIONS: &[&str] = &["mode", "cache", "immutable", "vfs"];
/// Rows a SQLite connection's worker thread may queue for the task reading them (sqlx's
/// default is 50). sqlx runs SQLite on a worker thread that sends every row through a bounded
/// channel: with room for 50 the worker stops every 50 rows until the reader catches up, and
/// each stop is a thread wake-up. 1,024 halves the time of a 10,000-row fetch on one core
/// (docs/performance.md); the rows queued are at most 1,024 per running statement.
const SQLITE_ROW_BUFFER: usize = 1024;
const POSTGRES_OPTIONS: &[&str] = &[
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];
const MYSQL_OPTIONS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslca",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "charset",
    "collation",
    "socket",
    "timezone",
];

/// Builds a [`Db`] with pool options set in code (they win over the same options in the URL).
///
/// ```no_run
/// # async fn run() -> orm::Result<()> {
/// use std::time::Duration;
/// let db = orm::Db::builder("postgres://postgres@127.0.0.1/app")
///     .max_connections(20)
///     .acquire_timeout(Duration::from_secs(5))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct DbBuilder {
    url: String,
    settings: PoolSettings,
}

impl DbBuilder {
    pub(crate) fn new(url: &str) -> Self {
        DbBuilder {
            url: url.to_owned(),
            settings: PoolSettings::default(),
        }
    }

    /// The most connections the pool opens.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.settings.max_connections = Some(n);
        self
    }

    /// Connections the pool keeps open even when idle.
    pub fn min_connections(mut self, n: u32) -> Self {
        self.settings.min_connections = Some(n);
        self
    }

    /// How long a caller waits for a free connection before [`Error::Pool`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.settings.acquire_timeout = Some(timeout);
        self
    }

    /// How long an idle connection is kept before it is closed.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.settings.idle_timeout = Some(timeout);
        self
    }

    /// Opens the pool.
    pub async fn connect(self) -> Result<Db> {
        let parsed = ParsedUrl::parse(&self.url)?;
        let mut settings = parsed.pool.clone();
        let code = self.settings;
        settings.max_connections = code.max_connections.or(settings.max_connections);
        settings.min_connections = code.min_connections.or(settings.min_connections);
        settings.acquire_timeout = code.acquire_timeout.or(settings.acquire_timeout);
        settings.idle_timeout = code.idle_timeout.or(settings.idle_timeout);
        parsed.open(settings).await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Sqlite,
    Postgres,
    Mysql,
}

/// A URL split into the driver's part and the pool's options.
#[derive(Debug, Clone)]
struct ParsedUrl {
    scheme: Scheme,
    /// The URL without the pool options, handed to the driver.
    driver_url: String,
    /// The URL with the password removed, for error messages.
    shown: String,
    pool: PoolSettings,
    sqlite_read_only: bool,
    sqlite_memory: bool,
}

impl ParsedUrl {
    fn parse(url: &str) -> Result<Self> {
        let shown = redact(url);
        let invalid = |reason: String| Error::InvalidUrl {
            url: shown.clone(),
            reason,
        };
        let scheme = if url.starts_with("sqlite:") {
            Scheme::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Scheme::Postgres
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Scheme::Mysql
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(invalid(format!(
                "unknown scheme `{scheme}`; expected sqlite:, postgres://, postgresql://, mysql:// or mariadb://"
            )));
        };
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let accepted = match scheme {
            Scheme::Sqlite => SQLITE_OPTIONS,
            Scheme::Postgres => POSTGRES_OPTIONS,
            Scheme::Mysql => MYSQL_OPTIONS,
        };
        let mut pool = PoolSettings::default();
        let mut kept: Vec<&str> = Vec::new();
        let mut sqlite_read_only = false;
        let mut sqlite_memory = base == "sqlite::memory:" || base == "sqlite://:memory:";
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = || -> Result<u64> {
                value.parse::<u64>().map_err(|_| {
                    invalid(format!(
                        "option `{key}` needs a whole number, got `{value}`"
                    ))
                })
            };
            match key {
                "max_connections" => pool.max_connections = Some(to_u32(number()?, key, &invalid)?),
                "min_connections" => pool.min_connections = Some(to_u32(number()?, key, &invalid)?),
                "acquire_timeout" => pool.acquire_timeout = Some(Duration::from_secs(number()?)),
                "idle_timeout" => pool.idle_timeout = Some(Duration::from_secs(number()?)),
                _ if accepted.contains(&key) => {
                    if scheme == Scheme::Sqlite {
                        sqlite_read_only |= (key == "mode" && value == "ro")
                            || (key == "immutable" && value != "0");
                        sqlite_memory |= key == "mode" && value == "memory";
                    }
                    kept.push(pair);
                }
                _ => {
                    let mut all: Vec<&str> = POOL_OPTIONS.to_vec();
                    all.extend_from_slice(accepted);
                    return Err(invalid(format!(
                        "unknown option `{key}`; accepted options: {}",
                        all.join(", ")
                    )));
                }
            }
        }
        let driver_url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok(ParsedUrl {
            scheme,
            driver_url,
            shown,
            pool,
            sqlite_read_only,
            sqlite_memory,
        })
    }

    fn invalid(&self, reason: impl std::fmt::Display) -> Error {
        Error::InvalidUrl {
            url: self.shown.clone(),
            reason: reason.to_string(),
        }
    }

    #[allow(unused_variables, unreachable_code)]
    async fn open(self, settings: PoolSettings) -> Result<Db> {
        let pool = match self.scheme {
            Scheme::Sqlite => {
                #[cfg(feature = "sqlite")]
                {
                    Pool::Sqlite(Conns::new(self.open_sqlite(settings).await?))
                }
                #[cfg(not(feature = "sqlite"))]
                return Err(self.invalid("the `sqlite` feature of orm is not enabled"));
            }
            Scheme::Postgres => {
                #[cfg(feature = "postgres")]
                {
                    let options = sqlx::postgres::PgConnectOptions::from_str(&self.driver_url)
                        .map_err(|e| self.invalid(e))?;
                    let pool = pool_options(&settings)
                        .after_connect(|conn, _| Box::pin(postgres_nodelay(conn)));
                    Pool::Postgres(Conns::new(pool.connect_with(options).await?))
                }
                #[cfg(not(feature = "postgres"))]
                return Err(self.invalid("the `postgres` feature of orm is not enabled"));
            }
            Scheme::Mysql => {
                #[cfg(feature = "mysql")]
                {
                    let url = self.driver_url.replacen("mariadb://", "mysql://", 1);
                    let options = sqlx::mysql::MySqlConnectOptions::from_str(&url)
                        .map_err(|e| self.invalid(e))?;
                    let pool = pool_options(&settings)
                        .after_connect(|conn, _| Box::pin(mysql_nodelay(conn)));
                    Pool::Mysql(Conns::new(pool.connect_with(options).await?))
                }
                #[cfg(not(feature = "mysql"))]
                return Err(self.invalid("the `mysql` feature of orm is not enabled"));
            }
        };
        Ok(Db { pool })
    }

    #[cfg(feature = "sqlite")]
    async fn open_sqlite(&self, mut settings: PoolSettings) -> Result<sqlx::SqlitePool> {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
        let mut options = SqliteConnectOptions::from_str(&self.driver_url)
            .map_err(|e| self.invalid(e))?
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .row_buffer_size(SQLITE_ROW_BUFFER);
        if !self.sqlite_read_only && !self.sqlite_memory {
            options = options.journal_mode(SqliteJournalMode::Wal);
        }
        let mut pool = pool_options::<sqlx::Sqlite>(&settings);
        if self.sqlite_memory {
            // An in-memory database lives as long as one connection to it: keep exactly one,
            // forever, unless the caller asked for more.
            settings.max_connections = settings.max_connections.or(Some(1));
            pool = pool_options::<sqlx::Sqlite>(&settings)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        Ok(pool.connect_with(options).await?)
    }
}

/// Turns Nagle's algorithm off on a new PostgreSQL connection (see [`super::nodelay`]). Never
/// fails: a connection whose socket is not found is used as it is.
#[cfg(feature = "postgres")]
async fn postgres_nodelay(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    use sqlx::Row as _;
    // Unprepared, so that it takes no place in the connection's statement cache.
    let sql = "SELECT inet_client_port()::int8, inet_server_port()::int8";
    if let Ok(row) = sqlx::raw_sql(sql).fetch_one(&mut *conn).await {
        let port = |i| row.try_get::<Option<i64>, _>(i).ok().flatten();
        if let Some(ports) = SeenPorts::new(port(0), port(1)) {
            nodelay::set_nodelay(ports);
        }
    }
    Ok(())
}

/// Turns Nagle's algorithm off on a new MySQL connection (see [`super::nodelay`]). Never fails.
#[cfg(feature = "mysql")]
async fn mysql_nodelay(conn: &mut sqlx::MySqlConnection) -> sqlx::Result<()> {
    use sqlx::Row as _;
    let sql = "SELECT HOST, CAST(@@port AS SIGNED) FROM information_schema.PROCESSLIST \
        WHERE ID = CONNECTION_ID()";
    if let Ok(row) = sqlx::raw_sql(sql).fetch_one(&mut *conn).await {
        let host = row.try_get::<Option<String>, _>(0).ok().flatten();
        let port = row.try_get::<Option<i64>, _>(1).ok().flatten();
        if let Some(ports) = host.and_then(|h| SeenPorts::from_mysql_host(&h, port)) {
            nodelay::set_nodelay(ports);
        }
    }
    Ok(())
}

fn pool_options<DB: sqlx::Database>(settings: &PoolSettings) -> sqlx::pool::PoolOptions<DB> {
    // No ping before every acquire: it costs a round trip per query.
    let mut options = sqlx::pool::PoolOptions::<DB>::new().test_before_acquire(false);
    if let Some(n) = settings.max_connections {
        options = options.max_connections(n);
    }
    if let Some(n) = settings.min_connections {
        options = options.min_connections(n);
    }
    if let Some(t) = settings.acquire_timeout {
        options = options.acquire_timeout(t);
    }
    if let Some(t) = settings.idle_timeout {
        options = options.idle_timeout(t);
    }
    options
}

fn to_u32(n: u64, key: &str, invalid: &dyn Fn(String) -> Error) -> Result<u32> {
    u32::try_from(n).map_err(|_| invalid(format!("option `{key}` is too large: {n}")))
}

/// Removes the password from `scheme://user:password@host/…`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{}", &rest[authority_end..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_options_are_taken_from_the_url() {
        let p =
            ParsedUrl::parse("postgres://u:secret@h/db?max_connections=3&sslmode=disable").unwrap();
        assert_eq!(p.pool.max_connections, Some(3));
        assert_eq!(p.driver_url, "postgres://u:secret@h/db?sslmode=disable");
        assert_eq!(
            p.shown,
            "postgres://u:***@h/db?max_connections=3&sslmode=disable"
        );
    }

    #[test]
    fn unknown_option_is_named() {
        let err = ParsedUrl::parse("sqlite://x.db?mode=rwc&colour=blue").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown option `colour`"), "{text}");
    }

    #[test]
    fn memory_and_read_only_are_detected() {
        assert!(ParsedUrl::parse("sqlite::memory:").unwrap().sqlite_memory);
        assert!(
            ParsedUrl::parse("sqlite://f.db?mode=ro")
                .unwrap()
                .sqlite_read_only
        );
    }
}
