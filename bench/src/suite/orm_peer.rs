//! The ORM's side of every workload, written the way the guide (docs/) shows, and the
//! recording of the SQL it sends, which the raw sqlx peer replays.

use std::time::{Duration, Instant};

use orm::prelude::*;

use super::capture::record;
use super::schema::{self, BulkUser, Comment, Post, User};
use super::{Batch, Workload, check};
use crate::measure::Result;

/// What the ORM sent for each workload, recorded once per backend (not timed).
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `User::get`: one SELECT with the key as its only parameter.
    pub get: String,
    /// `insert` of one user: the statements of one call.
    pub insert_one: Vec<String>,
    /// `bulk_create` of 100 users.
    pub insert_many: Vec<String>,
    /// `bulk_update` of the 10,000 seeded users' `name` and `hair_color`.
    pub bulk_update: Vec<String>,
    /// `query().limit(n)` for each fetch size, with its parameters.
    pub fetch: Vec<(usize, String, Vec<Value>)>,
    /// The group-by query and its parameters.
    pub group_by: (String, Vec<Value>),
    /// The search query and its parameters.
    pub search: (String, Vec<Value>),
}

impl Recorded {
    /// The recorded full-text query and its parameters, for a peer given `recorded`.
    pub fn search_of(recorded: Option<&Recorded>) -> Result<(String, Vec<Value>)> {
        Ok(recorded
            .ok_or("the ORM's SQL was not recorded")?
            .search
            .clone())
    }

    /// Prints every recorded statement to stderr, long ones cut (`ORM_BENCH_SHOW_SQL=1`).
    pub fn show(&self, backend: &str) {
        let cut = |sql: &str| match sql.char_indices().nth(200) {
            Some((at, _)) => format!("{}… ({} chars)", &sql[..at], sql.len()),
            None => sql.to_owned(),
        };
        eprintln!("    the ORM's SQL on {backend}:");
        let fetch = self.fetch.iter().map(|(_, sql, _)| sql.as_str());
        let lists = [
            ("get", vec![self.get.as_str()]),
            (
                "insert 1",
                self.insert_one.iter().map(String::as_str).collect(),
            ),
            (
                "insert 100",
                self.insert_many.iter().map(String::as_str).collect(),
            ),
            (
                "bulk_update",
                self.bulk_update.iter().map(String::as_str).collect(),
            ),
            ("fetch", fetch.collect()),
            ("group-by", vec![self.group_by.0.as_str()]),
            ("search", vec![self.search.0.as_str()]),
        ];
        for (name, statements) in lists {
            for sql in statements {
                eprintln!("      {name}: {}", cut(sql));
            }
        }
    }
}

/// The ORM over one pool of one connection.
pub struct OrmPeer {
    pub db: Db,
}

/// The group-by workload: comments per post over the 1,000,000 comments.
fn group_by_query() -> ValuesQuery<Comment, (Column<Comment, i64>, Expr<i64>)> {
    Comment::query()
        .group_by(|c| c.post_id)
        .annotate(|c| (c.post_id, count()))
}

/// The search workload: the 20 best-ranked posts containing both query words.
pub fn search_query() -> QuerySet<Post> {
    Post::query()
        .search(&schema::search_query())
        .order_by_rank()
        .limit(20)
}

impl OrmPeer {
    /// Runs SQL text without parameters (DDL, seed).
    pub async fn exec(&mut self, sql: &str) -> Result<()> {
        self.db.execute_raw(sql, vec![]).await?;
        Ok(())
    }

    /// Records the SQL of each workload by running it once (this writes: one user inserted,
    /// 100 more, the seeded users renamed).
    pub async fn record(&mut self, fetch_sizes: &[usize]) -> Result<Recorded> {
        let db = &self.db;
        let dialect = db.dialect();
        let (found, get) = record(User::get(db, schema::lookup_id(0))).await;
        found?;
        let [get] = <[String; 1]>::try_from(get)
            .map_err(|all| format!("User::get sent {} statements: {all:?}", all.len()))?;
        let mut one = schema::new_users(1, usize::MAX).remove(0);
        let (done, insert_one) = record(one.insert(db)).await;
        done?;
        let (done, insert_many) =
            record(User::bulk_create(db, schema::new_users(100, usize::MAX))).await;
        done?;
        let rows = schema::updated_users(schema::USERS, usize::MAX);
        let (done, bulk_update) =
            record(User::bulk_update(db, &rows, |u| (u.name, u.hair_color))).await;
        done?;
        let fetch = fetch_sizes
            .iter()
            .map(|&n| {
                let (sql, params) = User::query().limit(n as u64).to_sql(dialect);
                (n, sql, params)
            })
            .collect();
        Ok(Recorded {
            get,
            insert_one,
            insert_many,
            bulk_update,
            fetch,
            group_by: group_by_query().to_sql(dialect),
            search: search_query().to_sql(dialect),
        })
    }

    /// Runs `batch.ops` operations of `workload`; returns the time they took.
    pub async fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        let db = &self.db;
        match workload {
            Workload::GetByPk => {
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let user = User::get(db, id).await?;
                    check::user(id, &user.name)?;
                }
                Ok(started.elapsed())
            }
            Workload::Fetch(n) => {
                let started = Instant::now();
                for _ in batch.range() {
                    let users = User::query().limit(n as u64).all(db).await?;
                    check::count("users", users.len(), n)?;
                }
                Ok(started.elapsed())
            }
            Workload::Insert(n) => {
                let rows: Vec<Vec<User>> = batch.range().map(|k| schema::new_users(n, k)).collect();
                let started = Instant::now();
                for mut rows in rows {
                    if n == 1 {
                        let mut user = rows.remove(0);
                        user.insert(db).await?;
                        check::id(user.id)?;
                    } else {
                        let made = User::bulk_create(db, rows).await?;
                        check::id(made[n - 1].id)?;
                    }
                }
                Ok(started.elapsed())
            }
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                let started = Instant::now();
                let matched = User::bulk_update(db, &rows, |u| (u.name, u.hair_color)).await?;
                let took = started.elapsed();
                check::count("updated rows", matched as usize, n)?;
                Ok(took)
            }
            Workload::GroupBy => {
                let query = group_by_query();
                let started = Instant::now();
                let groups = query.all(db).await?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }
            Workload::Search => {
                let started = Instant::now();
                for _ in batch.range() {
                    let posts = search_query().all(db).await?;
                    check::search(posts.len())?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkCreate(n) => {
                self.exec(schema::empty_bulk_sql(db.dialect())).await?;
                let rows = schema::bulk_users(n);
                let db = &self.db;
                let started = Instant::now();
                let made = BulkUser::bulk_create(db, rows).await?;
                let took = started.elapsed();
                check::id(made[n - 1].id)?;
                check::count("bulk_users", BulkUser::query().count(db).await? as usize, n)?;
                Ok(took)
            }
        }
    }
}
