//! diesel-async 0.9 on PostgreSQL (tokio-postgres) and MySQL/MariaDB (mysql_async): the same
//! queries as the synchronous Diesel peer, awaited. On SQLite diesel-async only wraps the
//! synchronous connection in `spawn_blocking` (`SyncConnectionWrapper`), which is Diesel plus
//! a thread hop, so it does not run there.

use std::time::{Duration, Instant};

use diesel::dsl::count_star;
use diesel::{ExpressionMethods as _, QueryDsl as _, SelectableHelper as _};
use diesel_async::{
    AsyncConnection as _, AsyncMysqlConnection, AsyncPgConnection, RunQueryDsl as _,
    SimpleAsyncConnection as _,
};

use super::diesel_peer::tables::{bulk_users, comments, users};
use super::diesel_peer::{DieselPost, DieselUser, new_bulk_users, new_users, search_query};
use super::orm_peer::Recorded;
use super::peer::Target;
use super::schema;
use super::{Batch, Workload, check};
use crate::measure::Result;

/// A diesel-async connection of one server backend.
enum Conn {
    // Boxed: a tokio-postgres connection is four times a mysql_async one.
    Postgres(Box<AsyncPgConnection>),
    Mysql(AsyncMysqlConnection),
}

/// Runs the same code on whichever connection this is (each arm is compiled for its own
/// backend).
macro_rules! each_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Postgres(boxed) => {
                let $c = &mut **boxed;
                $body
            }
            Conn::Mysql($c) => $body,
        }
    };
}

/// diesel-async on one connection.
pub struct DieselAsyncPeer {
    conn: Conn,
    recorded: Option<Recorded>,
}

impl DieselAsyncPeer {
    /// Connects to `target`; `None` on SQLite (see the module documentation).
    pub async fn open(target: &Target) -> Result<Option<Self>> {
        let conn = match target {
            Target::SqliteMemory | Target::SqliteFile(_) => return Ok(None),
            Target::Postgres(url) => {
                Conn::Postgres(Box::new(AsyncPgConnection::establish(url).await?))
            }
            Target::Mysql(url) => Conn::Mysql(AsyncMysqlConnection::establish(url).await?),
        };
        Ok(Some(DieselAsyncPeer {
            conn,
            recorded: None,
        }))
    }

    /// Keeps the ORM's recorded SQL for the workloads that reuse it.
    pub fn give_recorded(&mut self, recorded: &Recorded) {
        self.recorded = Some(recorded.clone());
    }

    /// How this peer runs the workloads, for the report.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![
            "diesel-async 0.9 (tokio-postgres, mysql_async), on the servers only: the same \
             queries as Diesel, awaited; on SQLite it would be Diesel on a blocking thread."
                .to_owned(),
        ];
        if matches!(self.conn, Conn::Mysql(_)) {
            notes.push(
                "diesel-async on MySQL has no RETURNING either: its inserts return no ids.".into(),
            );
        }
        notes
    }

    /// Runs one batch of `workload`; returns the time of the operations only.
    pub async fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        match workload {
            Workload::GetByPk => each_conn!(&mut self.conn, c => {
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let user: DieselUser = users::table
                        .find(id)
                        .select(DieselUser::as_select())
                        .first(c)
                        .await?;
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
                        .load(c)
                        .await?;
                    check::count("users", found.len(), n)?;
                }
                Ok(started.elapsed())
            }),
            Workload::Insert(n) => self.insert(n, batch).await,
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                each_conn!(&mut self.conn, c => {
                    let started = Instant::now();
                    let matched = c
                        .transaction::<_, diesel::result::Error, _>(async |c| {
                            let mut matched = 0;
                            for u in &rows {
                                matched += diesel::update(users::table.find(u.id))
                                    .set((
                                        users::name.eq(&u.name),
                                        users::hair_color.eq(u.hair_color.as_deref()),
                                    ))
                                    .execute(c)
                                    .await?;
                            }
                            Ok(matched)
                        })
                        .await?;
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
                    .load(c)
                    .await?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }),
            Workload::Search => {
                let (sql, params) = Recorded::search_of(self.recorded.as_ref())?;
                each_conn!(&mut self.conn, c => {
                    let started = Instant::now();
                    for _ in batch.range() {
                        let posts: Vec<DieselPost> = search_query(&sql, &params)?.load(c).await?;
                        check::search(posts.len())?;
                    }
                    Ok(started.elapsed())
                })
            }
            Workload::BulkCreate(n) => {
                let rows = schema::bulk_users(n);
                let new = new_bulk_users(&rows);
                let empty = schema::empty_bulk_sql(orm::Dialect::Postgres);
                let per_statement = 65_535 / 2;
                each_conn!(&mut self.conn, c => {
                    c.batch_execute(empty).await?;
                    let started = Instant::now();
                    c.transaction::<_, diesel::result::Error, _>(async |c| {
                        for chunk in new.chunks(per_statement) {
                            diesel::insert_into(bulk_users::table)
                                .values(chunk)
                                .execute(c)
                                .await?;
                        }
                        Ok(())
                    })
                    .await?;
                    let took = started.elapsed();
                    let count: i64 = bulk_users::table.count().get_result(c).await?;
                    check::count("bulk_users", count as usize, n)?;
                    Ok(took)
                })
            }
        }
    }

    /// `insert_into(users)` of one row or many, returning the ids where the backend can.
    async fn insert(&mut self, n: usize, batch: Batch) -> Result<Duration> {
        let rows: Vec<Vec<schema::User>> = batch.range().map(|k| schema::new_users(n, k)).collect();
        let started = Instant::now();
        for rows in &rows {
            let values = new_users(rows);
            match &mut self.conn {
                Conn::Postgres(boxed) => {
                    let c = &mut **boxed;
                    let ids: Vec<i64> = diesel::insert_into(users::table)
                        .values(&values)
                        .returning(users::id)
                        .get_results(c)
                        .await?;
                    check::id(ids[n - 1])?;
                }
                Conn::Mysql(c) => {
                    let inserted = diesel::insert_into(users::table)
                        .values(&values)
                        .execute(c)
                        .await?;
                    check::count("inserted rows", inserted, n)?;
                }
            }
        }
        Ok(started.elapsed())
    }
}
