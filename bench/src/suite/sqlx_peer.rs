//! Raw sqlx: the floor the ORM can reach. It replays the statements the ORM sent for each
//! workload (recorded in `orm_peer::record`), binds plain Rust values and decodes rows by
//! index — what the ORM does, minus the ORM. One connection, no pool.

use std::time::{Duration, Instant};

use orm::Value;
use sqlx::{AssertSqlSafe, Connection as _, Database, Row as _};

use super::capture::placeholders;
use super::orm_peer::Recorded;
use super::schema::{self, User};
use super::{Batch, Workload, check};
use crate::measure::Result;

/// What a statement reports, read the same way on every backend.
pub trait Outcome {
    /// The id a statement without RETURNING generated, where the driver reports one.
    fn last_id(&self) -> Option<i64>;
    /// Rows the statement affected.
    fn affected(&self) -> u64;
}

impl Outcome for sqlx::sqlite::SqliteQueryResult {
    fn last_id(&self) -> Option<i64> {
        Some(self.last_insert_rowid())
    }

    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl Outcome for sqlx::postgres::PgQueryResult {
    fn last_id(&self) -> Option<i64> {
        None
    }

    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl Outcome for sqlx::mysql::MySqlQueryResult {
    fn last_id(&self) -> Option<i64> {
        i64::try_from(self.last_insert_id()).ok()
    }

    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

/// A raw connection of one backend and the ORM's recorded SQL.
pub struct RawConn<DB: Database> {
    pub conn: DB::Connection,
    recorded: Option<Recorded>,
}

type Query<DB> = sqlx::query::Query<'static, DB, <DB as Database>::Arguments>;

impl<DB> RawConn<DB>
where
    DB: Database,
    DB::QueryResult: Outcome,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> String: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<String>: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    /// Wraps an open connection.
    pub fn new(conn: DB::Connection) -> Self {
        RawConn {
            conn,
            recorded: None,
        }
    }

    /// Keeps the ORM's recorded SQL for the workloads that reuse it.
    pub fn give_recorded(&mut self, recorded: &Recorded) {
        self.recorded = Some(recorded.clone());
    }

    fn recorded(&self) -> Result<Recorded> {
        self.recorded
            .clone()
            .ok_or_else(|| "the ORM's SQL was not recorded".into())
    }

    /// Runs the seed statements in one transaction.
    pub async fn exec_in_tx(&mut self, statements: impl Iterator<Item = String>) -> Result<()> {
        let mut tx = self.conn.begin().await?;
        for sql in statements {
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The first column of the first row of `sql`, as text.
    pub async fn scalar_text(&mut self, sql: &str) -> Result<String> {
        let row = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .fetch_one(&mut self.conn)
            .await?;
        Ok(row.try_get::<String, _>(0)?)
    }

    /// Runs one batch of `workload`; returns the time of the operations only.
    pub async fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        let rec = self.recorded()?;
        let conn = &mut self.conn;
        match workload {
            Workload::GetByPk => {
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let row = sqlx::query::<DB>(AssertSqlSafe(rec.get.clone()))
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await?
                        .ok_or("not found")?;
                    let user = user(&row)?;
                    check::user(id, &user.name)?;
                }
                Ok(started.elapsed())
            }
            Workload::Fetch(n) => {
                let (_, sql, params) = rec
                    .fetch
                    .iter()
                    .find(|f| f.0 == n)
                    .ok_or("fetch size not recorded")?
                    .clone();
                let started = Instant::now();
                for _ in batch.range() {
                    let query = bind_all(sqlx::query(AssertSqlSafe(sql.clone())), &params)?;
                    let users = query
                        .fetch_all(&mut *conn)
                        .await?
                        .iter()
                        .map(user)
                        .collect::<Result<Vec<User>>>()?;
                    check::count("users", users.len(), n)?;
                }
                Ok(started.elapsed())
            }
            Workload::Insert(n) => {
                let statements = if n == 1 {
                    rec.insert_one
                } else {
                    rec.insert_many
                };
                let rows: Vec<Vec<User>> = batch.range().map(|k| schema::new_users(n, k)).collect();
                let started = Instant::now();
                for rows in rows {
                    let ids = replay_insert::<DB>(conn, &statements, &rows, n > 1).await?;
                    check::count("ids", ids.len(), n)?;
                    check::id(ids[n - 1])?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                let started = Instant::now();
                let matched = replay_update::<DB>(conn, &rec.bulk_update, &rows).await?;
                let took = started.elapsed();
                check::count("updated rows", matched as usize, n)?;
                Ok(took)
            }
            Workload::GroupBy => {
                let (sql, params) = rec.group_by;
                let started = Instant::now();
                let query = bind_all(sqlx::query(AssertSqlSafe(sql)), &params)?;
                let groups = query
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?)))
                    .collect::<Result<Vec<(i64, i64)>>>()?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }
            Workload::Search => {
                let (sql, params) = rec.search;
                let started = Instant::now();
                for _ in batch.range() {
                    let query = bind_all(sqlx::query(AssertSqlSafe(sql.clone())), &params)?;
                    let posts = query
                        .fetch_all(&mut *conn)
                        .await?
                        .iter()
                        .map(post)
                        .collect::<Result<Vec<schema::Post>>>()?;
                    check::search(posts.len())?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkCreate(_) => {
                Err("see the bulk_create section for raw sqlx's bulk statements".into())
            }
        }
    }
}

/// A `users` row, columns in the ORM's order.
fn user<R: sqlx::Row>(row: &R) -> Result<User>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(User {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        hair_color: row.try_get(2)?,
    })
}

/// A `posts` row, columns in the ORM's order.
fn post<R: sqlx::Row>(row: &R) -> Result<schema::Post>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(schema::Post {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        title: row.try_get(2)?,
        body: row.try_get(3)?,
    })
}

/// Binds the ORM's parameters of a read query as plain values (these queries only have text
/// and integers).
fn bind_all<DB>(mut query: Query<DB>, params: &[Value]) -> Result<Query<DB>>
where
    DB: Database,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    for value in params {
        query = match value {
            Value::I64(v) => query.bind(*v),
            Value::I32(v) => query.bind(i64::from(*v)),
            Value::Text(v) => query.bind(v.as_str()),
            other => return Err(format!("unexpected parameter {other:?}").into()),
        };
    }
    Ok(query)
}

/// The recorded INSERT statements with `rows` bound in order, in a transaction when the ORM
/// used one; see [`insert_statements`].
async fn replay_insert<DB>(
    conn: &mut DB::Connection,
    statements: &[String],
    rows: &[User],
    in_tx: bool,
) -> Result<Vec<i64>>
where
    DB: Database,
    DB::QueryResult: Outcome,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'a> i64: sqlx::Decode<'a, DB> + sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    if !in_tx {
        return insert_statements::<DB>(conn, statements, rows).await;
    }
    let mut tx = conn.begin().await?;
    let ids = insert_statements::<DB>(&mut tx, statements, rows).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Each statement takes as many rows as it has placeholders for; statements without
/// placeholders run as they are. Ids come from RETURNING or, without it, from the driver's last
/// insert id (the first id on MySQL, the last on SQLite), as the ORM reads them.
async fn insert_statements<DB>(
    conn: &mut DB::Connection,
    statements: &[String],
    rows: &[User],
) -> Result<Vec<i64>>
where
    DB: Database,
    DB::QueryResult: Outcome,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'a> i64: sqlx::Decode<'a, DB> + sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let mut ids = Vec::with_capacity(rows.len());
    let mut next = 0;
    for sql in statements {
        // SQLite's rowid guard: one more placeholder after the rows, bound to the largest
        // rowid that leaves room for them (`Dialect::insert_text_with_rowid_room`).
        let guarded = sql.ends_with("WHERE rowid > ?)");
        let width = placeholders(sql) - usize::from(guarded);
        if !width.is_multiple_of(2) || next + width / 2 > rows.len() {
            return Err(format!("cannot replay `{sql}`: not 2 values per row").into());
        }
        let chunk = &rows[next..next + width / 2];
        next += chunk.len();
        let mut query = sqlx::query::<DB>(AssertSqlSafe(sql.clone()));
        for u in chunk {
            query = query.bind(u.name.as_str()).bind(u.hair_color.as_deref());
        }
        if guarded {
            query = query.bind(i64::MAX - chunk.len() as i64);
        }
        if chunk.is_empty() {
            query.fetch_all(&mut *conn).await?;
        } else if sql.contains("RETURNING") {
            for row in query.fetch_all(&mut *conn).await? {
                ids.push(row.try_get::<i64, _>(0)?);
            }
        } else {
            let n = chunk.len() as i64;
            let id = query.execute(&mut *conn).await?.last_id().ok_or("no id")?;
            let first = if DB::NAME == "SQLite" { id - n + 1 } else { id };
            ids.extend(first..first + n);
        }
    }
    Ok(ids)
}

/// The recorded bulk UPDATE statements with `(id, name, hair_color)` of `rows` bound in order,
/// in one transaction; returns the rows matched.
async fn replay_update<DB>(
    conn: &mut DB::Connection,
    statements: &[String],
    rows: &[User],
) -> Result<u64>
where
    DB: Database,
    DB::QueryResult: Outcome,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut tx = conn.begin().await?;
    let mut next = 0;
    let mut matched = 0;
    for sql in statements {
        let width = placeholders(sql);
        if !width.is_multiple_of(3) {
            return Err(format!("cannot replay `{sql}`: not 3 values per row").into());
        }
        let chunk = &rows[next..next + width / 3];
        next += chunk.len();
        let mut query = sqlx::query::<DB>(AssertSqlSafe(sql.clone()));
        for u in chunk {
            query = query
                .bind(u.id)
                .bind(u.name.as_str())
                .bind(u.hair_color.as_deref());
        }
        matched += query.execute(&mut *tx).await?.affected();
    }
    tx.commit().await?;
    Ok(matched)
}
