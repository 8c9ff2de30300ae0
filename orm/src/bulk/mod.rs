//! Bulk operations: `bulk_create`, `bulk_update`, `bulk_delete` and upserts. Each splits its
//! rows into statements that stay under the dialect's bind limit and runs them all in one
//! transaction (a savepoint inside the caller's): every row or none.
//!
//! The functions here are generic over the model and do only what needs its type: `values()`
//! once per input row, writing generated keys and columns back, decoding stored rows. The
//! rest (grouping, chunking, rendering, id arithmetic, naming the failing row) runs on rows of
//! [`Value`]s and the model's `&'static [ColumnDef]` in [`insert`] and [`update`], compiled
//! once for every model rather than once per model.

mod insert;
mod key;
mod update;

pub(crate) use key::RowKey;

use futures_core::future::BoxFuture;

use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, Result};
use crate::exec::{ExecResult, Executor, Row, Tx};
use crate::expr::ColumnList;
use crate::model::{ColumnDef, Model, PrimaryKey, live};
use crate::stmt::{ConflictAction, OnConflict};
use crate::value::Value;

/// What the bulk cores ask of an executor (`&Db` or `&mut Tx`), object-safe so that they are
/// compiled once, not once per model and executor.
pub(crate) trait Session: Send {
    fn dialect(&self) -> Dialect;
    /// Whether this is the caller's transaction, which one failing statement would abort on
    /// PostgreSQL unless it runs in a savepoint.
    fn in_transaction(&self) -> bool;
    fn fetch<'s>(&'s mut self, sql: RenderedSql) -> BoxFuture<'s, Result<Vec<Row>>>;
    fn execute<'s>(&'s mut self, sql: RenderedSql) -> BoxFuture<'s, Result<ExecResult>>;
    /// [`Executor::fetch_then_execute`]: two statements on one connection.
    fn fetch_then_execute<'s>(
        &'s mut self,
        first: RenderedSql,
        second: RenderedSql,
    ) -> BoxFuture<'s, Result<(Vec<Row>, ExecResult)>>;
    /// A transaction, or a savepoint inside the caller's.
    fn begin<'s>(&'s mut self) -> BoxFuture<'s, Result<Tx<'s>>>;
}

impl<E: Executor> Session for E {
    fn dialect(&self) -> Dialect {
        Executor::dialect(self)
    }

    fn in_transaction(&self) -> bool {
        Executor::in_transaction(self)
    }

    fn fetch<'s>(&'s mut self, sql: RenderedSql) -> BoxFuture<'s, Result<Vec<Row>>> {
        self.fetch_all_rows(sql)
    }

    fn execute<'s>(&'s mut self, sql: RenderedSql) -> BoxFuture<'s, Result<ExecResult>> {
        self.execute_sql(sql)
    }

    fn fetch_then_execute<'s>(
        &'s mut self,
        first: RenderedSql,
        second: RenderedSql,
    ) -> BoxFuture<'s, Result<(Vec<Row>, ExecResult)>> {
        Executor::fetch_then_execute(self, first, second)
    }

    fn begin<'s>(&'s mut self) -> BoxFuture<'s, Result<Tx<'s>>> {
        self.begin_tx()
    }
}

/// What the bulk cores know of a model: its table and columns, and how to read a stored row.
pub(crate) struct Table {
    /// The table (unquoted, as in `Model::TABLE`).
    pub(crate) name: &'static str,
    /// Every column, in the order of `Model::values()`.
    pub(crate) columns: &'static [ColumnDef],
    /// The soft-delete column, if any.
    pub(crate) soft_delete: Option<&'static str>,
    /// A stored row of every column, in order, as the model's values.
    pub(crate) decode: fn(&Row) -> Result<Vec<Value>>,
}

impl Table {
    #[inline(always)]
    pub(crate) fn of<M: Model>() -> Self {
        Table {
            name: M::TABLE,
            columns: M::COLUMNS,
            soft_delete: M::SOFT_DELETE,
            decode: decode::<M>,
        }
    }
}

#[inline(always)]
fn decode<M: Model>(row: &Row) -> Result<Vec<Value>> {
    M::from_row(row).map(|model| model.values())
}

/// The caller's models, read again to name the row a bulk error is about.
///
/// Implemented for `&[M]` and `&mut [M]` only: rustc places the copy of a trait method for one
/// model in the codegen unit of its self type, and a reference's and a slice's is the model's
/// own module. An edit to one model then leaves the units that every model shares alone
/// (docs/performance.md, "Compile time").
pub(crate) trait ModelValues: Sync {
    /// How many rows there are.
    fn rows(&self) -> usize;

    /// Appends the values of the row at input index `row` to `out`.
    fn write_row(&self, row: usize, out: &mut Vec<Value>);
}

impl dyn ModelValues + '_ {
    /// The values of the rows at these input indexes, or of every row. Compiled once, not
    /// once per model.
    pub(crate) fn values_of(&self, rows: Option<&[usize]>) -> Vec<Vec<Value>> {
        // Every row has the model's width: the first row's sizes the others.
        let mut width = 0;
        let mut one = |row: usize| {
            let mut values = Vec::with_capacity(width);
            self.write_row(row, &mut values);
            width = values.len();
            values
        };
        match rows {
            Some(rows) => rows.iter().map(|&row| one(row)).collect(),
            None => (0..self.rows()).map(one).collect(),
        }
    }
}

/// The row at `row` of `models`, appended to `out` (nothing if there is no such row). Always
/// inlined, so that its copy for a model stays in the model's codegen unit.
#[inline(always)]
fn write_row_of<M: Model>(models: &[M], row: usize, out: &mut Vec<Value>) {
    if let Some(model) = models.get(row) {
        model.write_values(out);
    }
}

impl<M: Model> ModelValues for &[M] {
    fn rows(&self) -> usize {
        self.len()
    }

    fn write_row(&self, row: usize, out: &mut Vec<Value>) {
        write_row_of(self, row, out);
    }
}

impl<M: Model> ModelValues for &mut [M] {
    fn rows(&self) -> usize {
        self.len()
    }

    fn write_row(&self, row: usize, out: &mut Vec<Value>) {
        write_row_of(self, row, out);
    }
}

/// The caller's models, by input index, where `bulk_create` writes what the database
/// generated. Implemented for `&mut [M]` only, like [`ModelValues`].
pub(crate) trait WriteBack: ModelValues + Send {
    fn set_auto_id(&mut self, row: usize, id: i64) -> Result<()>;
    fn set_column(&mut self, row: usize, column: usize, from: &Row, at: usize) -> Result<()>;
    fn primary_key(&self, row: usize) -> Vec<Value>;
}

impl<M: Model> WriteBack for &mut [M] {
    fn set_auto_id(&mut self, row: usize, id: i64) -> Result<()> {
        match self.get_mut(row) {
            Some(model) => model.set_auto_id(id),
            None => Err(no_row(row)),
        }
    }

    fn set_column(&mut self, row: usize, column: usize, from: &Row, at: usize) -> Result<()> {
        match self.get_mut(row) {
            Some(model) => model.set_column(column, from, at),
            None => Err(no_row(row)),
        }
    }

    fn primary_key(&self, row: usize) -> Vec<Value> {
        self.get(row)
            .map(|model| model.primary_key().into_values())
            .unwrap_or_default()
    }
}

/// A bulk core asked for an input row that does not exist: a bug in the ORM, reported rather
/// than a panic.
fn no_row(row: usize) -> Error {
    Error::invalid_query(format!("bulk operation: no input row {row}"))
}

pub(crate) async fn bulk_create<M: Model, E: Executor>(
    mut exec: E,
    mut rows: Vec<M>,
) -> Result<Vec<M>> {
    if rows.is_empty() {
        return Ok(rows);
    }
    insert::create(&mut exec, &Table::of::<M>(), &mut rows.as_mut_slice()).await?;
    Ok(rows)
}

pub(crate) async fn bulk_update<M: Model, E: Executor>(
    mut exec: E,
    rows: &[M],
    columns: Vec<&'static str>,
) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let values = (&rows as &dyn ModelValues).values_of(None);
    update::update(&mut exec, &Table::of::<M>(), &columns, values, &rows).await
}

pub(crate) async fn bulk_delete<M: Model, E: Executor>(
    mut exec: E,
    keys: impl IntoIterator<Item = M::PrimaryKey>,
) -> Result<u64> {
    let keys: Vec<Vec<Value>> = keys.into_iter().map(PrimaryKey::into_values).collect();
    if keys.is_empty() {
        return Ok(0);
    }
    update::delete(&mut exec, &Table::of::<M>(), keys).await
}

/// An INSERT that resolves conflicts on a unique key, built by `Model::upsert(rows)`.
///
/// ```
/// # use orm::prelude::*;
/// # #[derive(Model, Clone)] #[orm(table = "posts")]
/// # struct Post { #[orm(primary_key)] id: i64, #[orm(unique)] slug: String, title: String, views: i64 }
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> orm::Result<()> {
/// # let db = Db::connect("sqlite::memory:").await?;
/// # orm::schema::create_table::<Post>(&db).await?;
/// let rows = vec![Post { id: 0, slug: "a".into(), title: "A".into(), views: 1 }];
/// Post::upsert(rows.clone()).on_conflict(|p| p.slug).update(|p| p.title).execute(&db).await?;
/// Post::upsert(rows).on_conflict(|p| p.slug).do_nothing().execute(&db).await?;
/// assert_eq!(Post::query().count(&db).await?, 1);
/// # Ok(()) }
/// ```
#[must_use = "an upsert does nothing until `execute` runs it"]
pub struct Upsert<M: Model> {
    rows: Vec<M>,
    conflict: Vec<&'static str>,
    action: Option<ConflictAction>,
}

impl<M: Model> Upsert<M> {
    pub(crate) fn new(rows: Vec<M>) -> Self {
        Upsert {
            rows,
            conflict: Vec::new(),
            action: None,
        }
    }

    /// The unique column(s) whose conflict triggers the action. On MySQL any unique key does.
    pub fn on_conflict<C: ColumnList<M>>(mut self, columns: impl FnOnce(&M::Columns) -> C) -> Self {
        self.conflict.clear();
        columns(M::columns()).push_names(&mut self.conflict);
        self
    }

    /// On conflict, overwrite these columns with the new row's values.
    pub fn update<C: ColumnList<M>>(mut self, columns: impl FnOnce(&M::Columns) -> C) -> Self {
        let mut names = Vec::new();
        columns(M::columns()).push_names(&mut names);
        self.action = Some(ConflictAction::Update(names));
        self
    }

    /// On conflict, keep the existing row.
    pub fn do_nothing(mut self) -> Self {
        self.action = Some(ConflictAction::DoNothing);
        self
    }

    /// Runs the upsert, chunked by the bind limit, in one transaction. Without `update` or
    /// `do_nothing`, a conflict overwrites every column but the key and the conflict columns.
    pub async fn execute<E: Executor>(self, mut exec: E) -> Result<()> {
        if self.conflict.is_empty() {
            return Err(Error::invalid_query(
                "upsert needs on_conflict(|m| …) naming a unique column",
            ));
        }
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows: &[M] = &self.rows;
        let values = (&rows as &dyn ModelValues).values_of(None);
        let table = Table::of::<M>();
        let conflict = conflict_clause(&table, self.conflict, self.action);
        insert::upsert(&mut exec, &table, &conflict, values, &rows).await
    }
}

/// The conflict clause of an upsert on `table`: `action`, or by default every column but the
/// key and the conflict columns overwritten.
fn conflict_clause(
    table: &Table,
    columns: Vec<&'static str>,
    action: Option<ConflictAction>,
) -> OnConflict {
    let action = action.unwrap_or_else(|| {
        ConflictAction::Update(
            table
                .columns
                .iter()
                .filter(|c| !c.primary_key && !columns.contains(&c.name))
                .map(|c| c.name)
                .collect(),
        )
    });
    // On a soft-delete model, `unique` columns are unique among live rows only: the conflict
    // is with a live row, through the partial index (a generated column on MySQL).
    let partial = columns.iter().all(|name| {
        table
            .columns
            .iter()
            .any(|c| c.name == *name && c.unique && !c.primary_key)
    });
    let predicate = table.soft_delete.filter(|_| partial).map(live);
    OnConflict {
        columns,
        action,
        predicate,
        live_only: table.soft_delete.map(|column| (table.name, column)),
    }
}

/// After rows were written with explicit values in `table`'s auto-increment column: moves the
/// generator past them where the backend needs it.
async fn sync_generated_ids(tx: &mut Tx<'_>, dialect: Dialect, table: &Table) -> Result<()> {
    let Some(auto) = table.columns.iter().find(|c| c.auto_increment) else {
        return Ok(());
    };
    if let Some(statement) = dialect.sync_generated_ids(table.name, auto.name)? {
        (&mut *tx).fetch_all_rows(statement).await?;
    }
    Ok(())
}
