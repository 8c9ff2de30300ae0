//! SeaORM 2 (on sqlx 0.9, the same driver the ORM uses), written the way its documentation
//! shows, each workload in its fastest documented form: `update_many` per row for the bulk
//! update (SeaORM has no per-row-values bulk update), `insert_many` chunked under the bind
//! limit for the bulk insert, and the ORM's own SQL through `from_raw_sql` for full-text search
//! (SeaORM has no search API). One pooled connection, no ping before acquire, no statement log.

use std::time::{Duration, Instant};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Statement, TransactionTrait,
};

use super::orm_peer::Recorded;
use super::peer::Target;
use super::schema::{self};
use super::{Batch, Workload, check};
use crate::measure::Result;

/// The entities, declared as SeaORM's guide does.
mod entities {
    pub mod user {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "users")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub hair_color: Option<String>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod post {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "posts")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub user_id: i64,
            pub title: String,
            pub body: Option<String>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod comment {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "comments")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub post_id: i64,
            pub text: String,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod bulk_user {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "bulk_users")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub hair_color: Option<String>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use entities::{bulk_user, comment, post, user};

/// SeaORM on one pooled connection.
pub struct SeaPeer {
    db: DatabaseConnection,
    backend: DbBackend,
    recorded: Option<Recorded>,
}

impl SeaPeer {
    /// Connects to `target` (whose URL is `url`).
    pub async fn open(target: &Target, url: &str) -> Result<Self> {
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .sqlx_logging(false);
        let db = Database::connect(options).await?;
        let backend = match target.dialect() {
            orm::Dialect::Sqlite => DbBackend::Sqlite,
            orm::Dialect::Postgres => DbBackend::Postgres,
            _ => DbBackend::MySql,
        };
        Ok(SeaPeer {
            db,
            backend,
            recorded: None,
        })
    }

    /// Keeps the ORM's recorded SQL for the workloads that reuse it.
    pub fn give_recorded(&mut self, recorded: &Recorded) {
        self.recorded = Some(recorded.clone());
    }

    /// Runs SQL texts without parameters (DDL, seed) in one transaction.
    pub async fn exec_in_tx(&mut self, statements: impl Iterator<Item = String>) -> Result<()> {
        let txn = self.db.begin().await?;
        for sql in statements {
            txn.execute_unprepared(&sql).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// How this peer runs the workloads, for the report.
    pub fn notes(&self) -> Vec<String> {
        vec![
            "SeaORM 2.0: `insert` and `insert_many` report the last id only; `bulk_update` is \
             one `update_many` per row in a transaction; `bulk_create` is `insert_many` \
             chunked under the bind limit, without ids; full-text search runs the ORM's SQL \
             through `from_raw_sql`."
                .into(),
        ]
    }

    /// Closes the connection.
    pub async fn close(self) {
        let _ = self.db.close().await;
    }

    /// Runs one batch of `workload`; returns the time of the operations only.
    pub async fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        let db = &self.db;
        match workload {
            Workload::GetByPk => {
                let started = Instant::now();
                for k in batch.range() {
                    let id = schema::lookup_id(k);
                    let user = user::Entity::find_by_id(id)
                        .one(db)
                        .await?
                        .ok_or("not found")?;
                    check::user(id, &user.name)?;
                }
                Ok(started.elapsed())
            }
            Workload::Fetch(n) => {
                let started = Instant::now();
                for _ in batch.range() {
                    let users = user::Entity::find().limit(n as u64).all(db).await?;
                    check::count("users", users.len(), n)?;
                }
                Ok(started.elapsed())
            }
            Workload::Insert(n) => {
                let rows: Vec<Vec<user::ActiveModel>> = batch
                    .range()
                    .map(|k| schema::new_users(n, k).into_iter().map(new_user).collect())
                    .collect();
                let started = Instant::now();
                for mut rows in rows {
                    let id = if n == 1 {
                        user::Entity::insert(rows.remove(0))
                            .exec(db)
                            .await?
                            .last_insert_id
                    } else {
                        user::Entity::insert_many(rows)
                            .exec(db)
                            .await?
                            .last_insert_id
                            .ok_or("no id")?
                    };
                    check::id(id)?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkUpdate(n) => {
                let rows = schema::updated_users(n, batch.round);
                let started = Instant::now();
                let txn = db.begin().await?;
                let mut matched = 0;
                for u in rows {
                    matched += user::Entity::update_many()
                        .col_expr(user::Column::Name, Expr::value(u.name))
                        .col_expr(user::Column::HairColor, Expr::value(u.hair_color))
                        .filter(user::Column::Id.eq(u.id))
                        .exec(&txn)
                        .await?
                        .rows_affected;
                }
                txn.commit().await?;
                let took = started.elapsed();
                check::count("updated rows", matched as usize, n)?;
                Ok(took)
            }
            Workload::GroupBy => {
                let started = Instant::now();
                let groups: Vec<(i64, i64)> = comment::Entity::find()
                    .select_only()
                    .column(comment::Column::PostId)
                    .column_as(comment::Column::Id.count(), "n")
                    .group_by(comment::Column::PostId)
                    .into_tuple()
                    .all(db)
                    .await?;
                let took = started.elapsed();
                check::groups(&groups)?;
                Ok(took)
            }
            Workload::Search => {
                let (sql, params) = Recorded::search_of(self.recorded.as_ref())?;
                let values = params
                    .iter()
                    .map(sea_value)
                    .collect::<Result<Vec<sea_orm::Value>>>()?;
                let started = Instant::now();
                for _ in batch.range() {
                    let statement =
                        Statement::from_sql_and_values(self.backend, sql.clone(), values.clone());
                    let posts = post::Entity::find().from_raw_sql(statement).all(db).await?;
                    check::search(posts.len())?;
                }
                Ok(started.elapsed())
            }
            Workload::BulkCreate(n) => {
                db.execute_unprepared(schema::empty_bulk_sql(orm_dialect(self.backend)))
                    .await?;
                let rows: Vec<bulk_user::ActiveModel> = schema::bulk_users(n)
                    .into_iter()
                    .map(|u| bulk_user::ActiveModel {
                        id: ActiveValue::NotSet,
                        name: ActiveValue::Set(u.name),
                        hair_color: ActiveValue::Set(u.hair_color),
                    })
                    .collect();
                let per_statement = match self.backend {
                    DbBackend::Sqlite => 32_766 / 2,
                    _ => 65_535 / 2,
                };
                let started = Instant::now();
                let txn = db.begin().await?;
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<bulk_user::ActiveModel> =
                        rows.by_ref().take(per_statement).collect();
                    bulk_user::Entity::insert_many(chunk)
                        .exec_without_returning(&txn)
                        .await?;
                }
                txn.commit().await?;
                let took = started.elapsed();
                let count = bulk_user::Entity::find().count(db).await?;
                check::count("bulk_users", count as usize, n)?;
                Ok(took)
            }
        }
    }
}

fn orm_dialect(backend: DbBackend) -> orm::Dialect {
    match backend {
        DbBackend::Sqlite => orm::Dialect::Sqlite,
        DbBackend::Postgres => orm::Dialect::Postgres,
        _ => orm::Dialect::Mysql,
    }
}

/// A new user for SeaORM: the key left to the database.
fn new_user(u: schema::User) -> user::ActiveModel {
    user::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(u.name),
        hair_color: ActiveValue::Set(u.hair_color),
    }
}

/// A parameter of the ORM's search SQL as a SeaORM value.
fn sea_value(value: &orm::Value) -> Result<sea_orm::Value> {
    match value {
        orm::Value::I64(v) => Ok((*v).into()),
        orm::Value::Text(v) => Ok(v.clone().into()),
        other => Err(format!("unexpected parameter {other:?}").into()),
    }
}
