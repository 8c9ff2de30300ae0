//! Creating and dropping a model's table outside migrations (tests, examples, prototypes).
//! The DDL is the same that `orm-migrate`'s `create_model` runs.

use std::future::Future;

use crate::dialect::{Dialect, RenderedSql};
use crate::error::Result;
use crate::exec::Executor;
use crate::model::Model;
use crate::stmt::CreateTable;

/// Creates `M`'s table and indexes if the table does not exist yet.
///
/// ```
/// # use orm::prelude::*;
/// # #[derive(Model)] #[orm(table = "notes")] struct Note { #[orm(primary_key)] id: i64, text: String }
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> orm::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// orm::schema::create_table::<Note>(&db).await?;
/// # Ok(()) }
/// ```
///
/// Only the statements are built per model; running them is compiled once per executor type
/// (docs/performance.md, "Compile time").
#[inline(always)]
pub fn create_table<M: Model>(exec: impl Executor) -> impl Future<Output = Result<()>> + Send {
    let create = CreateTable {
        if_not_exists: true,
        ..CreateTable::for_model::<M>()
    };
    let statements = create.render(exec.dialect());
    run_all(exec, statements)
}

/// Drops `M`'s table if it exists.
#[inline(always)]
pub fn drop_table<M: Model>(exec: impl Executor) -> impl Future<Output = Result<()>> + Send {
    let statements = crate::stmt::drop_model_sql::<M>(exec.dialect());
    run_all(exec, statements)
}

/// Runs `statements` one after the other.
async fn run_all<E: Executor>(mut exec: E, statements: Result<Vec<RenderedSql>>) -> Result<()> {
    for statement in statements? {
        exec.execute_sql(statement).await?;
    }
    Ok(())
}

/// The statements that create `M`'s table and indexes on `dialect`, as SQL text.
pub fn create_table_sql<M: Model>(dialect: Dialect) -> Result<Vec<String>> {
    Ok(CreateTable::for_model::<M>()
        .render(dialect)?
        .into_iter()
        .map(|r| r.sql)
        .collect())
}
