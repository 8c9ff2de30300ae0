//! rusqlite: SQLite in-process with cached prepared statements, no thread hop — the limit any
//! SQLite library can reach. The same SQL the ORM sends where the statement has one form
//! (lookups, reads, search); inserts and updates are one cached single-row statement per row in
//! a transaction, the fastest way to write through rusqlite.

use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use super::orm_peer::Recorded;
use super::peer::Target;
use super::schema::{self, User};
use super::{Batch, Workload, check};
use crate::measure::Result;

/// rusqlite on one connection.
pub struct RusqlitePeer {
    conn: Connection,
    recorded: Option<Recorded>,
}

impl RusqlitePeer {
    /// Connects to `target`.
    pub fn open(target: &Target) -> Result<Self> {
        let conn = match target {
            Target::SqliteFile(path) => Connection::open(path)?,
            _ => Connection::open_in_memory()?,
        };
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")?;
        Ok(RusqlitePeer {
            conn,
            recorded: None,
        })
    }

    /// Keeps the ORM's recorded SQL for the workloads that reuse it.
    pub fn give_recorded(&mut self, recorded: &Recorded) {
        self.recorded = Some(recorded.clone());
    }

    /// Runs SQL texts without parameters (DDL, seed) in one transaction.
    pub fn exec_in_tx(&mut self, statements: impl Iterator<Item = String>) -> Result<()> {
        let tx = self.conn.transaction()?;
        for sql in statements {
            tx.execute_batch(&sql)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn recorded(&self) -> Result<&Recorded> {
        self.recorded
            .as_ref()
            .ok_or_else(|| "the ORM's SQL was not recorded".into())
    }

    /// Runs one batch of `workload`; returns the time of the operations only.
    pub fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        match workload {
            Workload::GetByPk => {
                let sql = self.recorded()?.get.clone();
                let mut statement = self.conn.prepare_cached(&sql)?;
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let user = statement.query_row([id], user)?;
                    check::user(id, &user.name)?;
                }
                Ok(started.elapsed())
            }
            Workload::Fetch(n) => {
                let (_, sql, params) = self
                    .recorded()?
                    .fetch
                    .iter()
                    .find(|f| f.0 == n)
                    .ok_or("fetch size not recorded")?
                    .clone();
                let params = sql_params(&params)?;
                let mut statement = self.conn.prepare_cached(&sql)?;
                let started = Instant::now();
                for _ in batch.range() {
                    let users = statement
                        .query_map(rusqlite::params_from_iter(&params), user)?
                        .collect::<rusqlite::Result<Vec<User>>>()?;
                    check::count("users", users.len(), n)?;
                }
                Ok(started.elapsed())
            }
            Workload::Insert(n) => {
                let rows: Vec<Vec<User>> = batch.range().map(|k| schema::new_users(n, k)).collect();
                let started = Instant::now();
                for rows in rows {
                    let tx = self.conn.transaction()?;
                    let mut last = 0;
                    {
                        let mut statement = tx.prepare_cached(
                            "INSERT INTO users (name, hair_color) VALUES (?1, ?2) RETURNING id",
                        )?;
                        for u in &rows {
                            last =
                                statement.query_row(params![u.name, u.hair_color], |r| r.get(0))?;
                        }
                    }
                    tx.commit()?;
                    check::id(last)?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                let started = Instant::now();
                let tx = self.conn.transaction()?;
                let mut matched = 0;
                {
                    let mut statement = tx.prepare_cached(
                        "UPDATE users SET name = ?1, hair_color = ?2 WHERE id = ?3",
                    )?;
                    for u in &rows {
                        matched += statement.execute(params![u.name, u.hair_color, u.id])?;
                    }
                }
                tx.commit()?;
                let took = started.elapsed();
                check::count("updated rows", matched, n)?;
                Ok(took)
            }
            Workload::GroupBy => {
                let (sql, _) = self.recorded()?.group_by.clone();
                let mut statement = self.conn.prepare_cached(&sql)?;
                let started = Instant::now();
                let groups = statement
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }
            Workload::Search => {
                let (sql, params) = self.recorded()?.search.clone();
                let params = sql_params(&params)?;
                let mut statement = self.conn.prepare_cached(&sql)?;
                let started = Instant::now();
                for _ in batch.range() {
                    let posts = statement
                        .query_map(rusqlite::params_from_iter(&params), |r| {
                            Ok(schema::Post {
                                id: r.get(0)?,
                                user_id: r.get(1)?,
                                title: r.get(2)?,
                                body: r.get(3)?,
                            })
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    check::search(posts.len())?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkCreate(n) => {
                self.conn
                    .execute_batch(schema::empty_bulk_sql(orm::Dialect::Sqlite))?;
                let rows = schema::bulk_users(n);
                let started = Instant::now();
                let tx = self.conn.transaction()?;
                {
                    let mut statement = tx.prepare_cached(
                        "INSERT INTO bulk_users (name, hair_color) VALUES (?1, ?2)",
                    )?;
                    for u in &rows {
                        statement.execute(params![u.name, u.hair_color])?;
                    }
                }
                tx.commit()?;
                let took = started.elapsed();
                let count: i64 =
                    self.conn
                        .query_row("SELECT COUNT(*) FROM bulk_users", [], |r| r.get(0))?;
                check::count("bulk_users", count as usize, n)?;
                Ok(took)
            }
        }
    }
}

/// A `users` row, columns in the ORM's order.
fn user(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        hair_color: row.get(2)?,
    })
}

/// The ORM's parameters of a read query as rusqlite values.
fn sql_params(params: &[orm::Value]) -> Result<Vec<rusqlite::types::Value>> {
    params
        .iter()
        .map(|v| match v {
            orm::Value::I64(v) => Ok(rusqlite::types::Value::Integer(*v)),
            orm::Value::Text(v) => Ok(rusqlite::types::Value::Text(v.clone())),
            other => Err(format!("unexpected parameter {other:?}").into()),
        })
        .collect()
}
