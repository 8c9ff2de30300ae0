//! SQLite, in memory and in a WAL file. The raw side opens its connection with the options the
//! ORM uses (foreign keys, busy timeout, WAL for files); the best it can do through sqlx is a
//! few large multi-row VALUES statements, because every statement costs a hop to sqlx's
//! SQLite worker thread.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use orm::{Db, Dialect};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row as _};

use crate::measure::{Kind, Result, Spec, Variants};
use crate::model::User;
use crate::sql::{Placeholders, max_rows, multi_values};
use crate::{orm_runs, raw};

const BIND_LIMIT: usize = 32_766;

/// How a raw variant learns the generated ids.
#[derive(Clone, Copy, PartialEq)]
enum Ids {
    /// It does not.
    No,
    /// `RETURNING id`: every id comes back as a result row.
    Returning,
    /// `last_insert_rowid()` of each statement: the last id; a multi-row INSERT into an
    /// AUTOINCREMENT table takes consecutive ids under SQLite's single writer lock.
    LastInsertRowid,
}

/// The raw variants after the two ORM ones.
#[derive(Clone, Copy)]
enum RawVariant {
    Values { per_statement: usize, ids: Ids },
    PerRow,
}

pub struct SqliteBench<'u> {
    db: Db,
    conn: SqliteConnection,
    users: &'u [User],
    raw: Vec<RawVariant>,
}

/// The row queue the ORM gives every SQLite connection (`SQLITE_ROW_BUFFER` in
/// `orm/src/exec/connect.rs`; sqlx's default is 50). Raw sqlx connections get the same, so
/// that raw sqlx stays the ORM's floor: the ORM's statements on the ORM's connection settings.
pub const ORM_ROW_BUFFER: usize = 1024;

impl<'u> SqliteBench<'u> {
    /// In memory when `file_dir` is `None`; otherwise two WAL databases in that directory (one
    /// for the ORM, one for raw sqlx), created afresh.
    pub async fn open(users: &'u [User], file_dir: Option<&Path>) -> Result<Self> {
        let (orm_url, raw_options) = match file_dir {
            None => (
                "sqlite::memory:".to_owned(),
                SqliteConnectOptions::from_str("sqlite::memory:")?,
            ),
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                for db in ["orm.db", "raw.db"] {
                    for suffix in ["", "-wal", "-shm"] {
                        // Absent files are fine: the point is to start from none.
                        let _ = std::fs::remove_file(dir.join(format!("{db}{suffix}")));
                    }
                }
                (
                    format!("sqlite://{}?mode=rwc", dir.join("orm.db").display()),
                    SqliteConnectOptions::new()
                        .filename(dir.join("raw.db"))
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal),
                )
            }
        };
        let db = Db::connect(&orm_url).await?;
        let conn = raw_options
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .row_buffer_size(ORM_ROW_BUFFER)
            .connect()
            .await?;
        let max = max_rows(BIND_LIMIT);
        Ok(SqliteBench {
            db,
            conn,
            users,
            raw: vec![
                RawVariant::Values {
                    per_statement: max,
                    ids: Ids::Returning,
                },
                RawVariant::Values {
                    per_statement: max,
                    ids: Ids::LastInsertRowid,
                },
                RawVariant::Values {
                    per_statement: max,
                    ids: Ids::No,
                },
                RawVariant::Values {
                    per_statement: 1000,
                    ids: Ids::No,
                },
                RawVariant::PerRow,
            ],
        })
    }

    pub async fn version(&mut self) -> Result<String> {
        let row = sqlx::raw_sql("SELECT sqlite_version()")
            .fetch_one(&mut self.conn)
            .await?;
        Ok(format!("SQLite {}", row.try_get::<String, _>(0)?))
    }

    pub async fn close(self) {
        self.db.close().await;
        let _ = self.conn.close().await;
    }
}

impl Variants for SqliteBench<'_> {
    fn specs(&self) -> Vec<Spec> {
        let mut specs = orm_runs::specs().to_vec();
        specs.extend(self.raw.iter().map(|v| match *v {
            RawVariant::Values { per_statement, ids } => Spec::new(
                format!(
                    "sqlx multi-row VALUES, {per_statement} rows/statement{}",
                    match ids {
                        Ids::No => "",
                        Ids::Returning => ", RETURNING id",
                        Ids::LastInsertRowid => ", ids from last_insert_rowid",
                    }
                ),
                Kind::RawBulk,
                ids != Ids::No,
            ),
            RawVariant::PerRow => Spec::new(
                "sqlx INSERT … RETURNING id per row, one transaction",
                Kind::RawPerRow,
                true,
            ),
        }));
        specs
    }

    async fn run(&mut self, variant: usize) -> Result<Duration> {
        match variant {
            0 => return orm_runs::bulk_create(&self.db, self.users).await,
            1 => return orm_runs::insert_per_row(&self.db, self.users).await,
            _ => {}
        }
        let conn = &mut self.conn;
        raw::reset::<sqlx::Sqlite>(conn, Dialect::Sqlite).await?;
        let started = Instant::now();
        let ids = match self.raw[variant - 2] {
            RawVariant::Values { per_statement, ids } => {
                values(conn, self.users, per_statement, ids).await?
            }
            RawVariant::PerRow => per_row(conn, self.users).await?,
        };
        let took = started.elapsed();
        let ids = (!ids.is_empty()).then_some(ids.as_slice());
        raw::verify::<sqlx::Sqlite>(conn, self.users, ids).await?;
        Ok(took)
    }
}

/// Multi-row VALUES statements of `per_statement` rows in one transaction, and the ids.
async fn values(
    conn: &mut SqliteConnection,
    users: &[User],
    per_statement: usize,
    want: Ids,
) -> Result<Vec<i64>> {
    let returning = want == Ids::Returning;
    let full: Arc<str> = multi_values(per_statement, Placeholders::Question, returning).into();
    let mut ids = Vec::with_capacity(if want == Ids::No { 0 } else { users.len() });
    let mut tx = conn.begin().await?;
    for chunk in users.chunks(per_statement) {
        let sql: Arc<str> = if chunk.len() == per_statement {
            Arc::clone(&full)
        } else {
            multi_values(chunk.len(), Placeholders::Question, returning).into()
        };
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for u in chunk {
            query = query
                .bind(&u.name)
                .bind(u.hair_color.as_deref())
                .bind(u.created_at);
        }
        match want {
            Ids::Returning => {
                for row in query.fetch_all(&mut *tx).await? {
                    ids.push(row.try_get::<i64, _>(0)?);
                }
            }
            Ids::LastInsertRowid => {
                let last = query.execute(&mut *tx).await?.last_insert_rowid();
                ids.extend(last + 1 - chunk.len() as i64..=last);
            }
            Ids::No => {
                query.execute(&mut *tx).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(ids)
}

/// One prepared single-row INSERT per user in one transaction.
async fn per_row(conn: &mut SqliteConnection, users: &[User]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(users.len());
    let mut tx = conn.begin().await?;
    for u in users {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, hair_color, created_at) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(&u.name)
        .bind(u.hair_color.as_deref())
        .bind(u.created_at)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}
