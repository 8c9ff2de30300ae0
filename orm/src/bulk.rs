//! Bulk operations: `bulk_create`, `bulk_update`, `bulk_delete` and upserts. Each splits its
//! rows into statements that stay under the dialect's bind limit and runs them all in one
//! transaction (a savepoint inside the caller's): every row or none.

use crate::dialect::{Dialect, GeneratedIds};
use crate::error::{Error, Result};
use crate::exec::{Executor, Tx};
use crate::expr::{ColumnList, Node};
use crate::failed_row::{self, Lookup, Sent};
use crate::model::{Model, PrimaryKey, keys_in, live, pk_condition, soft_delete_now};
use crate::stmt::{BulkUpdate, ConflictAction, Delete, Insert, OnConflict, Select, Update};
use crate::value::Value;

/// How many rows of `width` bound values fit in one statement. Rows that set no column go
/// one per statement (`DEFAULT VALUES` inserts one row).
fn rows_per_statement(dialect: Dialect, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    (dialect.bulk_statement_params() / width).max(1)
}

/// Indexes of `items` keeping only the last occurrence of each key, in input order: a key
/// listed twice in one statement is refused by PostgreSQL and resolved differently elsewhere.
fn last_of_each(keys: impl Iterator<Item = String>) -> Vec<usize> {
    let keys: Vec<String> = keys.collect();
    let mut last = std::collections::HashMap::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        last.insert(key.as_str(), i);
    }
    (0..keys.len())
        .filter(|&i| last.get(keys[i].as_str()) == Some(&i))
        .collect()
}

/// After rows were written with explicit values in `M`'s auto-increment column: moves the
/// generator past them where the backend needs it.
pub(crate) async fn sync_generated_ids<M: Model>(tx: &mut Tx<'_>, dialect: Dialect) -> Result<()> {
    let Some(auto) = M::COLUMNS.iter().find(|c| c.auto_increment) else {
        return Ok(());
    };
    if let Some(statement) = dialect.sync_generated_ids(M::TABLE, auto.name)? {
        (&mut *tx).fetch_all_rows(statement).await?;
    }
    Ok(())
}

/// Rows split by which columns the database must fill in (auto keys left at 0, defaulted
/// `Option` fields left `None`): rows of one group share one column list.
struct Group {
    /// Indexes into `M::COLUMNS` that the database generates for these rows.
    generated: Vec<usize>,
    /// Indexes into the input rows.
    rows: Vec<usize>,
}

impl Group {
    /// Whether these rows carry explicit values for `M`'s auto-increment column.
    fn sets_auto_increment<M: Model>(&self) -> bool {
        M::COLUMNS
            .iter()
            .enumerate()
            .any(|(i, c)| c.auto_increment && !self.generated.contains(&i))
    }
}

fn group_rows<M: Model>(values: &[Vec<Value>]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (r, row) in values.iter().enumerate() {
        let generated: Vec<usize> = M::COLUMNS
            .iter()
            .zip(row)
            .enumerate()
            .filter(|(_, (def, v))| {
                (def.auto_increment && v.is_zero_integer())
                    || (def.default.is_some() && v.is_null())
            })
            .map(|(i, _)| i)
            .collect();
        match groups.iter_mut().find(|g| g.generated == generated) {
            Some(g) => g.rows.push(r),
            None => groups.push(Group {
                generated,
                rows: vec![r],
            }),
        }
    }
    groups
}

/// An INSERT of some rows of one group; `on_conflict` makes it an upsert.
fn insert_for<M: Model>(
    group: &Group,
    chunk: &[usize],
    values: &mut [Vec<Value>],
    on_conflict: Option<&OnConflict>,
) -> Insert {
    let kept: Vec<usize> = (0..M::COLUMNS.len())
        .filter(|i| !group.generated.contains(i))
        .collect();
    let mut insert = Insert::new(M::TABLE);
    insert.columns = kept.iter().map(|&i| M::COLUMNS[i].name).collect();
    insert.rows = chunk
        .iter()
        .map(|&r| {
            kept.iter()
                .map(|&i| std::mem::replace(&mut values[r][i], Value::Null(M::COLUMNS[i].sql_type)))
                .collect()
        })
        .collect();
    insert.on_conflict = on_conflict.map(|c| OnConflict {
        columns: c.columns.clone(),
        predicate: c.predicate.clone(),
        live_only: c.live_only,
        action: match &c.action {
            ConflictAction::DoNothing => ConflictAction::DoNothing,
            ConflictAction::Update(cols) => ConflictAction::Update(
                cols.iter()
                    .copied()
                    .filter(|c| insert.columns.contains(c))
                    .collect(),
            ),
        },
    });
    insert
}

pub(crate) async fn bulk_create<M: Model, E: Executor>(
    mut exec: E,
    mut rows: Vec<M>,
) -> Result<Vec<M>> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let dialect = exec.dialect();
    let mut values: Vec<Vec<Value>> = rows.iter().map(M::values).collect();
    let groups = group_rows::<M>(&values);
    let mut sent = Sent::new();
    let mut tx = exec.begin_tx().await?;
    let done = insert_groups(&mut tx, dialect, &groups, &mut rows, &mut values, &mut sent).await;
    match done {
        Ok(()) => {
            tx.commit().await?;
            Ok(rows)
        }
        Err(error) => {
            // Rolled back before the failing row is looked for: on PostgreSQL the transaction
            // accepts nothing else after an error.
            let _ = tx.rollback().await;
            let values: Vec<Vec<Value>> = rows.iter().map(M::values).collect();
            let located =
                failed_row::locate::<M, E>(exec, error, &values, &sent, Lookup::Insert, |r| r);
            Err(located.await)
        }
    }
}

/// Inserts every group of `bulk_create`'s rows, writing generated values back into `rows`.
async fn insert_groups<M: Model>(
    tx: &mut Tx<'_>,
    dialect: Dialect,
    groups: &[Group],
    rows: &mut [M],
    values: &mut [Vec<Value>],
    sent: &mut Sent,
) -> Result<()> {
    let mut explicit_ids = false;
    let mut id_step = None;
    for group in groups {
        let width = M::COLUMNS.len() - group.generated.len();
        explicit_ids |= group.sets_auto_increment::<M>();
        #[cfg(feature = "postgres")]
        {
            sent.push(group.rows.iter().copied());
            if let Some(ids) = copy_group::<M>(tx, group, values).await? {
                for (&r, id) in group.rows.iter().zip(ids) {
                    rows[r].set_auto_id(id)?;
                }
                continue;
            }
            // Not sent after all: the rows go in INSERT chunks below.
            sent.retract();
        }
        let only_auto = matches!(group.generated.as_slice(), [i] if M::COLUMNS[*i].auto_increment);
        for chunk in group.rows.chunks(rows_per_statement(dialect, width)) {
            let mut insert = insert_for::<M>(group, chunk, values, None);
            sent.push(chunk.iter().copied());
            if group.generated.is_empty() {
                (&mut *tx).execute_sql(insert.into_sql(dialect)?).await?;
                continue;
            }
            let reported = match dialect.generated_ids() {
                GeneratedIds::LastRowid if only_auto => {
                    rowid_room::<M>(tx, dialect, chunk.len()).await?
                }
                GeneratedIds::FirstId => true,
                _ => false,
            };
            if !reported {
                insert.returning = group
                    .generated
                    .iter()
                    .map(|&i| M::COLUMNS[i].name)
                    .collect();
                let returned = (&mut *tx).fetch_all_rows(insert.into_sql(dialect)?).await?;
                if returned.len() != chunk.len() {
                    return Err(Error::invalid_query(format!(
                        "INSERT INTO {} returned {} rows for {}",
                        M::TABLE,
                        returned.len(),
                        chunk.len()
                    )));
                }
                for (&r, row) in chunk.iter().zip(&returned) {
                    for (at, &column) in group.generated.iter().enumerate() {
                        rows[r].set_column(column, row, at)?;
                    }
                }
                continue;
            }
            let result = (&mut *tx).execute_sql(insert.into_sql(dialect)?).await?;
            let reported_id = result.last_insert_id.ok_or_else(|| {
                Error::invalid_query(format!("INSERT INTO {} reported no generated id", M::TABLE))
            })?;
            if dialect.generated_ids() == GeneratedIds::LastRowid {
                // Consecutive rowids ending at the reported one (see `rowid_room`).
                let first = reported_id - (chunk.len() as i64 - 1);
                for (offset, &r) in chunk.iter().enumerate() {
                    rows[r].set_auto_id(first + offset as i64)?;
                }
            } else {
                let step = match id_step {
                    Some(step) => step,
                    None => *id_step.insert(generated_id_step(tx, dialect).await?),
                };
                fill_from_first_id(rows, chunk, group, reported_id, step, tx, dialect).await?;
            }
        }
    }
    if explicit_ids {
        sync_generated_ids::<M>(tx, dialect).await?;
    }
    Ok(())
}

/// PostgreSQL: the group's rows through COPY; the ids to fill in (empty when none are
/// generated), or `None` when COPY does not apply and the rows are still to be inserted.
#[cfg(feature = "postgres")]
async fn copy_group<M: Model>(
    tx: &mut Tx<'_>,
    group: &Group,
    values: &[Vec<Value>],
) -> Result<Option<Vec<i64>>> {
    let target = crate::copy::CopyGroup {
        table: M::TABLE,
        columns: M::COLUMNS,
        generated: &group.generated,
        rows: &group.rows,
    };
    Ok(match crate::copy::copy_insert(tx, target, values).await? {
        crate::copy::CopyOutcome::Inserted(ids) => Some(ids),
        crate::copy::CopyOutcome::NotApplicable => None,
    })
}

/// SQLite gives a new row the largest rowid plus one, so the rows of one INSERT get
/// consecutive ids, unless that would pass `i64::MAX`, where it picks free rowids at random:
/// whether `n` more rows fit below it (then `last_insert_rowid()` tells every id).
async fn rowid_room<M: Model>(tx: &mut Tx<'_>, dialect: Dialect, n: usize) -> Result<bool> {
    let largest = dialect.render(|_, w| {
        w.push("SELECT max(rowid) FROM ");
        w.ident(M::TABLE);
        Ok(())
    })?;
    let rows = (&mut *tx).fetch_all_rows(largest).await?;
    let largest = match rows.first() {
        Some(row) => row.get_integer::<i64>(0)?.unwrap_or(0),
        None => 0,
    };
    Ok(largest <= i64::MAX - n as i64)
}

/// The step between the ids of one multi-row INSERT: the server's auto_increment_increment
/// (1 unless set), where the dialect reads ids from the first one.
async fn generated_id_step(tx: &mut Tx<'_>, dialect: Dialect) -> Result<i64> {
    let Some(sql) = dialect.generated_id_step_sql() else {
        return Ok(1);
    };
    let fetched = (&mut *tx)
        .fetch_all_rows(crate::dialect::RenderedSql::new(sql.to_owned(), Vec::new()))
        .await?;
    match fetched.first() {
        Some(row) => row.try_get::<i64>(0),
        None => Ok(1),
    }
}

/// MySQL: a multi-row INSERT reports the first generated id; the others follow it by `step`
/// (InnoDB's default "consecutive" lock mode for simple inserts). Defaulted columns are read
/// back by key.
async fn fill_from_first_id<M: Model>(
    rows: &mut [M],
    chunk: &[usize],
    group: &Group,
    first: i64,
    step: i64,
    tx: &mut Tx<'_>,
    dialect: Dialect,
) -> Result<()> {
    let auto = group
        .generated
        .iter()
        .copied()
        .find(|&i| M::COLUMNS[i].auto_increment);
    if auto.is_some() {
        for (offset, &r) in chunk.iter().enumerate() {
            rows[r].set_auto_id(first + offset as i64 * step)?;
        }
    }
    let defaulted: Vec<usize> = group
        .generated
        .iter()
        .copied()
        .filter(|&i| Some(i) != auto)
        .collect();
    if defaulted.is_empty() {
        return Ok(());
    }
    for &r in chunk {
        let select = Select {
            columns: defaulted
                .iter()
                .map(|&i| Node::Column(M::COLUMNS[i].name))
                .collect(),
            filter: Some(pk_condition::<M>(rows[r].primary_key().into_values())),
            ..Select::new(M::TABLE)
        };
        let fetched = (&mut *tx).fetch_all_rows(select.render(dialect)?).await?;
        let row = fetched.first().ok_or(Error::NotFound { table: M::TABLE })?;
        for (at, &column) in defaulted.iter().enumerate() {
            rows[r].set_column(column, row, at)?;
        }
    }
    Ok(())
}

pub(crate) async fn bulk_update<M: Model, E: Executor>(
    mut exec: E,
    rows: &[M],
    columns: Vec<&'static str>,
) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let dialect = exec.dialect();
    let mut indexes = Vec::with_capacity(columns.len());
    for name in &columns {
        let i = M::COLUMNS
            .iter()
            .position(|c| c.name == *name)
            .ok_or_else(|| {
                Error::invalid_query(format!(
                    "bulk_update: `{name}` is not a column of {}",
                    M::TABLE
                ))
            })?;
        if M::COLUMNS[i].primary_key {
            return Err(Error::invalid_query(format!(
                "bulk_update cannot change the primary-key column `{name}`"
            )));
        }
        indexes.push(i);
    }
    if indexes.is_empty() {
        return Err(Error::invalid_query(
            "bulk_update needs at least one column",
        ));
    }
    let keys: Vec<usize> = (0..M::COLUMNS.len())
        .filter(|&i| M::COLUMNS[i].primary_key)
        .collect();
    let width = keys.len() + indexes.len();
    // A row listed twice: its last values win, on every backend.
    let kept: Vec<usize> = last_of_each(
        rows.iter()
            .map(|r| format!("{:?}", r.primary_key().into_values())),
    );
    let mut sent = Sent::new();
    let mut tx = exec.begin_tx().await?;
    let mut changed = 0;
    for chunk in kept.chunks(rows_per_statement(dialect, width)) {
        sent.push(chunk.iter().copied());
        let statement = BulkUpdate {
            table: M::TABLE,
            keys: keys.iter().map(|&i| M::COLUMNS[i].name).collect(),
            columns: columns.clone(),
            rows: chunk
                .iter()
                .map(|&r| {
                    let mut values = rows[r].values();
                    keys.iter()
                        .chain(&indexes)
                        .map(|&i| {
                            std::mem::replace(&mut values[i], Value::Null(M::COLUMNS[i].sql_type))
                        })
                        .collect()
                })
                .collect(),
            filter: M::SOFT_DELETE.map(|column| Node::IsNull {
                expr: Box::new(Node::TableColumn(M::TABLE, column)),
                negated: false,
            }),
        };
        match (&mut tx).execute_sql(statement.render(dialect)?).await {
            Ok(done) => changed += done.rows_affected,
            Err(error) => {
                let _ = tx.rollback().await;
                let values: Vec<Vec<Value>> = rows.iter().map(M::values).collect();
                let located =
                    failed_row::locate::<M, E>(exec, error, &values, &sent, Lookup::Update, |r| r);
                return Err(located.await);
            }
        }
    }
    tx.commit().await?;
    Ok(changed)
}

pub(crate) async fn bulk_delete<M: Model, E: Executor>(
    mut exec: E,
    keys: impl IntoIterator<Item = M::PrimaryKey>,
) -> Result<u64> {
    let keys: Vec<Vec<Value>> = keys.into_iter().map(PrimaryKey::into_values).collect();
    if keys.is_empty() {
        return Ok(0);
    }
    let dialect = exec.dialect();
    let key_columns: Vec<_> = M::COLUMNS.iter().filter(|c| c.primary_key).collect();
    let mut tx = exec.begin_tx().await?;
    let mut deleted = 0;
    // Composite keys: at most 1,000 row values a statement; PostgreSQL expands a row-value IN
    // into nested conditions and runs out of stack on tens of thousands.
    let per_statement = match key_columns.len() {
        1 => rows_per_statement(dialect, 1),
        n => rows_per_statement(dialect, n).min(1_000),
    };
    for chunk in keys.chunks(per_statement) {
        let filter = keys_in(&key_columns, chunk.to_vec());
        let statement = match M::SOFT_DELETE {
            // Soft-delete models: bulk_delete marks the live rows deleted.
            Some(column) => Update {
                table: M::TABLE,
                sets: vec![(column, Node::Value(Value::DateTime(soft_delete_now())))],
                filter: Some(Node::And(Box::new(live(column)), Box::new(filter))),
            }
            .render(dialect)?,
            None => Delete {
                table: M::TABLE,
                filter: Some(filter),
            }
            .render(dialect)?,
        };
        deleted += (&mut tx).execute_sql(statement).await?.rows_affected;
    }
    tx.commit().await?;
    Ok(deleted)
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
        let action = self.action.unwrap_or_else(|| {
            ConflictAction::Update(
                M::COLUMNS
                    .iter()
                    .filter(|c| !c.primary_key && !self.conflict.contains(&c.name))
                    .map(|c| c.name)
                    .collect(),
            )
        });
        // On a soft-delete model, `unique` columns are unique among live rows only: the conflict
        // is with a live row, through the partial index (a generated column on MySQL).
        let partial = self.conflict.iter().all(|name| {
            M::COLUMNS
                .iter()
                .any(|c| c.name == *name && c.unique && !c.primary_key)
        });
        let predicate = M::SOFT_DELETE.filter(|_| partial).map(live);
        let conflict = OnConflict {
            columns: self.conflict,
            action,
            predicate,
            live_only: M::SOFT_DELETE.map(|column| (M::TABLE, column)),
        };
        let dialect = exec.dialect();
        let mut values: Vec<Vec<Value>> = self.rows.iter().map(M::values).collect();
        // Which input row each of `values` came from.
        let mut input: Vec<usize> = (0..values.len()).collect();
        if matches!(conflict.action, ConflictAction::Update(_)) {
            // One key twice in a batch: the last row wins, on every backend (PostgreSQL
            // refuses to update a row twice in one statement).
            let positions: Vec<usize> = conflict
                .columns
                .iter()
                .filter_map(|name| M::COLUMNS.iter().position(|c| c.name == *name))
                .collect();
            let keep = last_of_each(values.iter().map(|row| {
                format!(
                    "{:?}",
                    positions.iter().map(|&p| &row[p]).collect::<Vec<_>>()
                )
            }));
            values = keep
                .iter()
                .map(|&i| std::mem::take(&mut values[i]))
                .collect();
            input = keep;
        }
        let groups = group_rows::<M>(&values);
        let mut sent = Sent::new();
        let mut tx = exec.begin_tx().await?;
        match upsert_groups::<M>(&mut tx, dialect, &groups, &mut values, &conflict, &mut sent).await
        {
            Ok(()) => tx.commit().await,
            Err(error) => {
                let _ = tx.rollback().await;
                let values: Vec<Vec<Value>> =
                    input.iter().map(|&i| self.rows[i].values()).collect();
                let located =
                    failed_row::locate::<M, E>(exec, error, &values, &sent, Lookup::Insert, |r| {
                        input[r]
                    });
                Err(located.await)
            }
        }
    }
}

/// Sends every group of an upsert's rows.
async fn upsert_groups<M: Model>(
    tx: &mut Tx<'_>,
    dialect: Dialect,
    groups: &[Group],
    values: &mut [Vec<Value>],
    conflict: &OnConflict,
    sent: &mut Sent,
) -> Result<()> {
    let mut explicit_ids = false;
    for group in groups {
        let width = M::COLUMNS.len() - group.generated.len();
        explicit_ids |= group.sets_auto_increment::<M>();
        for chunk in group.rows.chunks(rows_per_statement(dialect, width)) {
            let insert = insert_for::<M>(group, chunk, values, Some(conflict));
            sent.push(chunk.iter().copied());
            (&mut *tx).execute_sql(insert.into_sql(dialect)?).await?;
        }
    }
    if explicit_ids {
        sync_generated_ids::<M>(tx, dialect).await?;
    }
    Ok(())
}
