//! Diesel 2.3, synchronous (libpq and libmysqlclient for the servers, the shared bundled
//! SQLite), written the way its guide shows: the query builder for every workload but
//! full-text search, which runs the ORM's own SQL through `sql_query` (Diesel has no search
//! API for SQLite or MySQL). Blocking calls run on the benchmark's only thread; nothing else
//! runs meanwhile.

use std::time::{Duration, Instant};

use diesel::backend::Backend;
use diesel::connection::SimpleConnection as _;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text};
use diesel::{MysqlConnection, PgConnection, SqliteConnection};

use super::orm_peer::Recorded;
use super::peer::Target;
use super::schema;
use super::{Batch, Workload, check};
use crate::measure::Result;

/// The tables, as `diesel print-schema` would write them for the ORM's DDL (diesel-async's
/// peer uses them too).
pub(super) mod tables {
    diesel::table! {
        users (id) {
            id -> BigInt,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> BigInt,
            user_id -> BigInt,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> BigInt,
            post_id -> BigInt,
            text -> Text,
        }
    }

    diesel::table! {
        bulk_users (id) {
            id -> BigInt,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }
}

use tables::{bulk_users, comments, users};

/// A `users` row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(super) struct DieselUser {
    #[allow(dead_code)]
    id: i64,
    pub(super) name: String,
    #[allow(dead_code)]
    hair_color: Option<String>,
}

/// A `posts` row read by column name (from `sql_query`).
#[derive(QueryableByName)]
#[diesel(table_name = tables::posts)]
#[allow(dead_code)]
pub(super) struct DieselPost {
    id: i64,
    user_id: i64,
    title: String,
    body: Option<String>,
}

/// A user to insert into `users`.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub(super) struct NewUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

/// A user to insert into `bulk_users`.
#[derive(Insertable)]
#[diesel(table_name = bulk_users)]
pub(super) struct NewBulkUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

/// A Diesel connection of one backend.
enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
    Mysql(MysqlConnection),
}

/// Runs the same code on whichever connection this is (each arm is compiled for its own
/// backend).
macro_rules! each_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
            Conn::Mysql($c) => $body,
        }
    };
}

/// Diesel on one connection.
pub struct DieselPeer {
    conn: Conn,
    recorded: Option<Recorded>,
}

impl DieselPeer {
    /// Connects to `target`.
    pub fn open(target: &Target) -> Result<Self> {
        let conn = match target {
            Target::SqliteMemory | Target::SqliteFile(_) => {
                let path = match target {
                    Target::SqliteFile(path) => path.display().to_string(),
                    _ => ":memory:".into(),
                };
                let mut conn = SqliteConnection::establish(&path)?;
                // The settings the ORM and sqlx use.
                conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")?;
                Conn::Sqlite(conn)
            }
            Target::Postgres(url) => Conn::Postgres(PgConnection::establish(url)?),
            Target::Mysql(url) => Conn::Mysql(MysqlConnection::establish(url)?),
        };
        Ok(DieselPeer {
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
        each_conn!(&mut self.conn, c => c.transaction(|c| {
            for sql in statements {
                c.batch_execute(&sql)?;
            }
            diesel::QueryResult::Ok(())
        }))?;
        Ok(())
    }

    /// How this peer runs the workloads, for the report.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![
            "Diesel 2.3 (sync): `bulk_update` is one `update` per row in a transaction; \
             `bulk_create` is `insert_into(…).values(&chunk)` chunked under the bind limit, \
             without ids; full-text search runs the ORM's SQL through `sql_query`."
                .to_owned(),
        ];
        if matches!(self.conn, Conn::Mysql(_)) {
            notes.push(
                "Diesel on MySQL has no RETURNING: its inserts return no ids (the ORM's do)."
                    .into(),
            );
        }
        notes
    }

    /// Runs one batch of `workload`; returns the time of the operations only.
    pub fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        match workload {
            Workload::GetByPk => each_conn!(&mut self.conn, c => {
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let user: DieselUser = users::table
                        .find(id)
                        .select(DieselUser::as_select())
                        .first(c)?;
                    check::user(id, &user.name)?;
                }
                Ok(started.elapsed())
            }),
            Workload::Fetch(n) => each_conn!(&mut self.conn, c => {
                let started = Instant::now();
                for _ in batch.range() {
                    let found: Vec<DieselUser> = users::table
                        .limit(n as i64)
                        .select(DieselUser::as_select())
                        .load(c)?;
                    check::count("users", found.len(), n)?;
                }
                Ok(started.elapsed())
            }),
            Workload::Insert(n) => self.insert(n, batch),
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                each_conn!(&mut self.conn, c => {
                    let started = Instant::now();
                    let matched = c.transaction(|c| {
                        let mut matched = 0;
                        for u in &rows {
                            matched += diesel::update(users::table.find(u.id))
                                .set((
                                    users::name.eq(&u.name),
                                    users::hair_color.eq(u.hair_color.as_deref()),
                                ))
                                .execute(c)?;
                        }
                        diesel::QueryResult::Ok(matched)
                    })?;
                    let took = started.elapsed();
                    check::count("updated rows", matched, n)?;
                    Ok(took)
                })
            }
            Workload::GroupBy => each_conn!(&mut self.conn, c => {
                let started = Instant::now();
                let groups: Vec<(i64, i64)> = comments::table
                    .group_by(comments::post_id)
                    .select((comments::post_id, count_star()))
                    .load(c)?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }),
            Workload::Search => {
                let (sql, params) = Recorded::search_of(self.recorded.as_ref())?;
                each_conn!(&mut self.conn, c => {
                    let started = Instant::now();
                    for _ in batch.range() {
                        let posts: Vec<DieselPost> = search_query(&sql, &params)?.load(c)?;
                        check::search(posts.len())?;
                    }
                    Ok(started.elapsed())
                })
            }
            Workload::BulkCreate(n) => {
                let rows = schema::bulk_users(n);
                let new = new_bulk_users(&rows);
                let (empty, per_statement) = match self.conn {
                    Conn::Sqlite(_) => (schema::empty_bulk_sql(orm::Dialect::Sqlite), 32_766 / 2),
                    _ => (schema::empty_bulk_sql(orm::Dialect::Postgres), 65_535 / 2),
                };
                each_conn!(&mut self.conn, c => {
                    c.batch_execute(empty)?;
                    let started = Instant::now();
                    c.transaction(|c| {
                        for chunk in new.chunks(per_statement) {
                            diesel::insert_into(bulk_users::table).values(chunk).execute(c)?;
                        }
                        diesel::QueryResult::Ok(())
                    })?;
                    let took = started.elapsed();
                    let count: i64 = bulk_users::table.count().get_result(c)?;
                    check::count("bulk_users", count as usize, n)?;
                    Ok(took)
                })
            }
        }
    }

    /// `insert_into(users)` of one row or many, returning the ids where Diesel can.
    fn insert(&mut self, n: usize, batch: Batch) -> Result<Duration> {
        let rows: Vec<Vec<schema::User>> = batch.range().map(|k| schema::new_users(n, k)).collect();
        let started = Instant::now();
        for rows in &rows {
            let values = new_users(rows);
            match &mut self.conn {
                Conn::Sqlite(c) => {
                    let ids: Vec<i64> = diesel::insert_into(users::table)
                        .values(&values)
                        .returning(users::id)
                        .get_results(c)?;
                    check::id(ids[n - 1])?;
                }
                Conn::Postgres(c) => {
                    let ids: Vec<i64> = diesel::insert_into(users::table)
                        .values(&values)
                        .returning(users::id)
                        .get_results(c)?;
                    check::id(ids[n - 1])?;
                }
                Conn::Mysql(c) => {
                    let inserted = diesel::insert_into(users::table)
                        .values(&values)
                        .execute(c)?;
                    check::count("inserted rows", inserted, n)?;
                }
            }
        }
        Ok(started.elapsed())
    }
}

/// The ORM's recorded full-text query through `sql_query`, its parameters bound.
pub(super) fn search_query<DB>(
    sql: &str,
    params: &[orm::Value],
) -> Result<BoxedSqlQuery<'static, DB, SqlQuery>>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: ToSql<BigInt, DB>,
    String: ToSql<Text, DB>,
{
    let mut query = diesel::sql_query(sql).into_boxed();
    for value in params {
        query = match value {
            orm::Value::I64(v) => query.bind::<BigInt, _>(*v),
            orm::Value::Text(v) => query.bind::<Text, _>(v.clone()),
            other => return Err(format!("unexpected parameter {other:?}").into()),
        };
    }
    Ok(query)
}

/// Borrowed `bulk_users` values of `rows`.
pub(super) fn new_bulk_users(rows: &[schema::BulkUser]) -> Vec<NewBulkUser<'_>> {
    rows.iter()
        .map(|u| NewBulkUser {
            name: &u.name,
            hair_color: u.hair_color.as_deref(),
        })
        .collect()
}

/// Borrowed insert values of `rows`.
pub(super) fn new_users(rows: &[schema::User]) -> Vec<NewUser<'_>> {
    rows.iter()
        .map(|u| NewUser {
            name: &u.name,
            hair_color: u.hair_color.as_deref(),
        })
        .collect()
}
