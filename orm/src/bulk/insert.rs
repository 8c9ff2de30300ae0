//! The INSERT side of `bulk_create` and upserts, on rows of values. Rows are grouped by which
//! columns the database fills in (one column list per group); each row's values move once,
//! from `Model::values()` into the flat parameter list of the statement that sends them; each
//! group's statement text is rendered once per number of rows (every full chunk shares one).

use crate::bulk::{ModelValues, Session, Table, WriteBack};
use crate::dialect::{Dialect, GeneratedIds, RenderedSql};
use crate::error::{Error, Result};
use crate::exec::{Bound, ExecResult, Executor, Tx};
use crate::expr::Node;
use crate::failed_row::{self, Lookup, Sent};
use crate::model::{ColumnDef, key_condition};
use crate::stmt::{ConflictAction, Insert, OnConflict, Select};
use crate::value::Value;

/// How many rows of `width` bound values fit in one statement. Rows that set no column go
/// one per statement (`DEFAULT VALUES` inserts one row).
pub(super) fn rows_per_statement(dialect: Dialect, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    (dialect.bulk_statement_params() / width).max(1)
}

/// `bulk_create`: inserts the rows of `models` in one transaction, writing what the database
/// generated into them.
pub(super) async fn create(
    exec: &mut dyn Session,
    table: &Table,
    models: &mut dyn WriteBack,
) -> Result<()> {
    let rows = models.rows();
    let mut batch = Batch::new(table, exec.dialect(), rows);
    // Each row's values pass through one buffer on their way into their statement's list.
    let mut row = Vec::with_capacity(table.columns.len());
    for r in 0..rows {
        models.write_row(r, &mut row);
        batch.push_from(&mut row);
    }
    let mut sent = Sent::new();
    if !exec.in_transaction() && batch.is_one_statement() {
        // Atomic on its own: no BEGIN and COMMIT around it. (In the caller's transaction it
        // still takes a savepoint, so that failing undoes only itself.)
        return match batch.create_alone(exec, models, &mut sent).await {
            Ok(()) => Ok(()),
            Err(error) => {
                let values = (&*models as &dyn ModelValues).values_of(None);
                let lookup = Lookup::Insert;
                Err(failed_row::locate(exec, table, error, &values, &sent, lookup, None).await)
            }
        };
    }
    let mut tx = exec.begin().await?;
    match batch.create(&mut tx, models, &mut sent).await {
        Ok(()) => tx.commit().await,
        Err(error) => {
            // Rolled back before the failing row is looked for: on PostgreSQL the transaction
            // accepts nothing else after an error.
            let _ = tx.rollback().await;
            let values = (&*models as &dyn ModelValues).values_of(None);
            let lookup = Lookup::Insert;
            Err(failed_row::locate(exec, table, error, &values, &sent, lookup, None).await)
        }
    }
}

/// An upsert of `values` (one row of values per model of `models`) in one transaction.
pub(super) async fn upsert(
    exec: &mut dyn Session,
    table: &Table,
    conflict: &OnConflict,
    values: Vec<Vec<Value>>,
    models: &dyn ModelValues,
) -> Result<()> {
    let (batch, input) = upsert_batch(table, exec.dialect(), conflict, values);
    let mut sent = Sent::new();
    let mut tx = exec.begin().await?;
    match batch.upsert(&mut tx, conflict, &mut sent).await {
        Ok(()) => tx.commit().await,
        Err(error) => {
            let _ = tx.rollback().await;
            let values = models.values_of(Some(&input));
            let lookup = Lookup::Insert;
            let located =
                failed_row::locate(exec, table, error, &values, &sent, lookup, Some(&input));
            Err(located.await)
        }
    }
}

/// Whether the database fills in `column` for a row holding `value` there: an auto key left
/// at 0, a defaulted `Option` field left `None`.
fn is_generated(column: &ColumnDef, value: &Value) -> bool {
    (column.auto_increment && value.is_zero_integer())
        || (column.default.is_some() && value.is_null())
}

/// Rows to insert, grouped and chunked as they arrive.
pub(super) struct Batch<'t> {
    table: &'t Table,
    dialect: Dialect,
    /// Columns the database may fill in: auto-increment keys and columns with a default.
    optional: Vec<usize>,
    groups: Vec<Group>,
    /// The group the previous row joined: consecutive rows usually share one.
    last: usize,
    /// Rows pushed so far, and how many will be.
    pushed: usize,
    total: usize,
}

/// Rows that share which columns the database fills in, hence one column list.
struct Group {
    /// Indexes into the columns that the database generates for these rows.
    generated: Vec<usize>,
    /// Per column: whether these rows bind a value for it.
    bound: Vec<bool>,
    /// Indexes of the bound columns, in order.
    written: Vec<usize>,
    per_statement: usize,
    /// Input indexes of the rows.
    rows: Vec<usize>,
    /// Per statement: its rows' bound values, row after row.
    chunks: Vec<Vec<Value>>,
}

impl Group {
    /// Input indexes of the rows of the `k`-th statement.
    fn chunk_rows(&self, k: usize) -> &[usize] {
        let start = k * self.per_statement;
        let end = (start + self.per_statement).min(self.rows.len());
        self.rows.get(start..end).unwrap_or(&[])
    }

    /// Whether these rows carry explicit values for the auto-increment column.
    fn sets_auto_increment(&self, table: &Table) -> bool {
        table
            .columns
            .iter()
            .zip(&self.bound)
            .any(|(c, &bound)| c.auto_increment && bound)
    }

    /// The bound values of the rows at `chunk`, read again from `models`: a chunk's values
    /// are moved into its first statement, and a statement that has to go again needs them.
    fn params_of(&self, models: &dyn ModelValues, chunk: &[usize]) -> Vec<Value> {
        let mut params = Vec::with_capacity(chunk.len() * self.written.len());
        for values in models.values_of(Some(chunk)) {
            let bound = values.into_iter().zip(&self.bound).filter(|(_, b)| **b);
            params.extend(bound.map(|(value, _)| value));
        }
        params
    }

    /// [`Group::statement`] with RETURNING of the columns the database generates.
    fn returning_statement(&self, table: &Table) -> Insert {
        let mut insert = self.statement(table, None);
        insert.returning = self
            .generated
            .iter()
            .map(|&i| table.columns[i].name)
            .collect();
        insert
    }

    /// The INSERT these rows go in, without rows: the text is rendered per chunk size.
    fn statement(&self, table: &Table, on_conflict: Option<&OnConflict>) -> Insert {
        let mut insert = Insert::new(table.name);
        insert.columns = self
            .written
            .iter()
            .map(|&i| table.columns[i].name)
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
}

/// A statement's text for the last number of rows asked, kept while chunks of that size
/// follow.
#[derive(Default)]
struct Text {
    rows: Option<usize>,
    sql: String,
}

impl Text {
    fn get(&mut self, dialect: Dialect, insert: &Insert, rows: usize) -> Result<String> {
        self.get_with(rows, || dialect.insert_text(insert, rows))
    }

    fn get_with(&mut self, rows: usize, render: impl FnOnce() -> Result<String>) -> Result<String> {
        if self.rows != Some(rows) {
            self.sql = render()?;
            self.rows = Some(rows);
        }
        Ok(self.sql.clone())
    }
}

/// The statements of one group whose ids come from SQLite's `last_insert_rowid()`.
struct RowidInserts {
    /// The plain INSERT and its text guarded by the rowids' room.
    plain: Insert,
    guarded: Text,
    /// The same INSERT with RETURNING, for a chunk the rowids have no room for.
    returning: Insert,
    returning_text: Text,
}

impl RowidInserts {
    fn new(table: &Table, group: &Group) -> Self {
        RowidInserts {
            plain: group.statement(table, None),
            guarded: Text::default(),
            returning: group.returning_statement(table),
            returning_text: Text::default(),
        }
    }

    /// The guarded INSERT of `n` rows whose bound values are `params`: the guard's value
    /// goes after theirs.
    fn statement(
        &mut self,
        dialect: Dialect,
        n: usize,
        mut params: Vec<Value>,
    ) -> Result<RenderedSql> {
        let plain = &self.plain;
        let sql = self
            .guarded
            .get_with(n, || dialect.insert_text_with_rowid_room(plain, n))?;
        params.push(Value::I64(i64::MAX - n as i64));
        Ok(RenderedSql::new(sql, params))
    }

    /// Inserts the rows at `chunk` (bound values `params`) and writes their ids into
    /// `models`.
    async fn insert(
        &mut self,
        session: &mut dyn Session,
        table: &Table,
        group: &Group,
        chunk: &[usize],
        params: Vec<Value>,
        models: &mut dyn WriteBack,
    ) -> Result<()> {
        let statement = self.statement(session.dialect(), chunk.len(), params)?;
        let result = session.execute(statement).await?;
        self.finish(session, table, group, chunk, result, models)
            .await
    }

    /// After the guarded INSERT of the rows at `chunk` (see [`RowidInserts::statement`]):
    /// writes their ids into `models`, consecutive rowids ending at `last_insert_rowid()`, as
    /// the guard of [`Dialect::insert_text_with_rowid_room`] vouches. When the guard held the
    /// rows back (rowids near `i64::MAX`, where SQLite picks them at random) they go again
    /// with RETURNING.
    async fn finish(
        &mut self,
        session: &mut dyn Session,
        table: &Table,
        group: &Group,
        chunk: &[usize],
        result: ExecResult,
        models: &mut dyn WriteBack,
    ) -> Result<()> {
        let n = chunk.len();
        if result.rows_affected == n as u64 {
            let last = reported_id(table, &result)?;
            let first = last - (n as i64 - 1);
            for (offset, &r) in chunk.iter().enumerate() {
                models.set_auto_id(r, first + offset as i64)?;
            }
            return Ok(());
        }
        if result.rows_affected != 0 {
            return Err(Error::invalid_query(format!(
                "INSERT INTO {} wrote {} rows of {n}",
                table.name, result.rows_affected
            )));
        }
        let params = group.params_of(models, chunk);
        let sql = self
            .returning_text
            .get(session.dialect(), &self.returning, n)?;
        let returned = session.fetch(RenderedSql::new(sql, params)).await?;
        write_returned(table, &group.generated, chunk, &returned, models)
    }
}

impl<'t> Batch<'t> {
    /// An empty batch for `total` rows of `table`.
    pub(super) fn new(table: &'t Table, dialect: Dialect, total: usize) -> Self {
        let optional = table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.auto_increment || c.default.is_some())
            .map(|(i, _)| i)
            .collect();
        Batch {
            table,
            dialect,
            optional,
            groups: Vec::new(),
            last: 0,
            pushed: 0,
            total,
        }
    }

    /// Adds the next row: its values, one per column.
    pub(super) fn push(&mut self, mut values: Vec<Value>) {
        self.push_from(&mut values);
    }

    /// Adds the next row, moving its values (one per column) out of `values`, which is left
    /// empty.
    fn push_from(&mut self, values: &mut Vec<Value>) {
        let index = self.pushed;
        self.pushed += 1;
        let remaining = self.total.saturating_sub(index).max(1);
        let g = self.group_of(values);
        let group = &mut self.groups[g];
        if group.rows.len().is_multiple_of(group.per_statement) {
            let rows = group.per_statement.min(remaining);
            group
                .chunks
                .push(Vec::with_capacity(rows * group.written.len()));
        }
        group.rows.push(index);
        let values = values.drain(..);
        let Some(chunk) = group.chunks.last_mut() else {
            return;
        };
        if group.generated.is_empty() {
            // Every value is bound: one copy of the row.
            chunk.extend(values);
            return;
        }
        for (value, &bound) in values.zip(&group.bound) {
            if bound {
                chunk.push(value);
            }
        }
    }

    /// The group a row of `values` belongs to, made if it is the first of its kind.
    fn group_of(&mut self, values: &[Value]) -> usize {
        let columns = self.table.columns;
        let optional = &self.optional;
        let generated = |c: usize| values.get(c).is_some_and(|v| is_generated(&columns[c], v));
        let fits = |g: &Group| optional.iter().all(|&c| g.bound[c] != generated(c));
        let found = match self.groups.get(self.last) {
            Some(g) if fits(g) => Some(self.last),
            _ => self.groups.iter().position(fits),
        };
        if let Some(g) = found {
            self.last = g;
            return g;
        }
        let generated: Vec<usize> = optional.iter().copied().filter(|&c| generated(c)).collect();
        let bound: Vec<bool> = (0..columns.len())
            .map(|c| !generated.contains(&c))
            .collect();
        let written: Vec<usize> = (0..columns.len()).filter(|&c| bound[c]).collect();
        self.groups.push(Group {
            per_statement: rows_per_statement(self.dialect, written.len()),
            generated,
            bound,
            written,
            rows: Vec::new(),
            chunks: Vec::new(),
        });
        self.last = self.groups.len() - 1;
        self.last
    }

    /// Whether the whole batch is one INSERT that writes nothing else: one group in one
    /// chunk, not for COPY, no explicit auto-increment values to keep the generator ahead of,
    /// and ids (if any) read by RETURNING, from SQLite's last rowid (guarded in the INSERT
    /// itself) or, for an auto-increment key alone, from MySQL's first id and the id step
    /// (read on the INSERT's connection just before it). One INSERT is atomic by itself, so
    /// on a `&Db` it runs outside a transaction: two round trips fewer.
    fn is_one_statement(&self) -> bool {
        let [group] = self.groups.as_slice() else {
            return false;
        };
        group.chunks.len() == 1
            && !group.sets_auto_increment(self.table)
            && !copy_may_take(self.dialect, group.rows.len())
            && (group.generated.is_empty()
                || self.dialect.generated_ids() != GeneratedIds::FirstId
                || only_auto_generated(self.table, group))
    }

    /// Sends a batch of one statement (see [`Batch::is_one_statement`]) straight to `session`.
    async fn create_alone(
        self,
        session: &mut dyn Session,
        models: &mut dyn WriteBack,
        sent: &mut Sent,
    ) -> Result<()> {
        let Batch {
            table,
            dialect,
            mut groups,
            ..
        } = self;
        let Some(mut group) = groups.pop() else {
            return Ok(());
        };
        let Some(params) = group.chunks.pop() else {
            return Ok(());
        };
        sent.push(group.rows.iter().copied());
        if ids_by_rowid(dialect, table, &group) {
            let mut inserts = RowidInserts::new(table, &group);
            let chunk = group.rows.as_slice();
            return inserts
                .insert(session, table, &group, chunk, params, models)
                .await;
        }
        if !group.generated.is_empty() && dialect.generated_ids() == GeneratedIds::FirstId {
            // The id step is a session variable: read on the INSERT's connection, before it,
            // so that a failed read leaves nothing written.
            let insert = group.statement(table, None);
            let sql = RenderedSql::new(dialect.insert_text(&insert, group.rows.len())?, params);
            let (stepped, result) = match dialect.generated_id_step_sql() {
                Some(step) => {
                    let step = RenderedSql::new(step.to_owned(), Vec::new());
                    session.fetch_then_execute(step, sql).await?
                }
                None => (Vec::new(), session.execute(sql).await?),
            };
            let ids = FirstIds {
                first: reported_id(table, &result)?,
                step: id_step(&stepped)?,
            };
            return ids.assign(&group.rows, models);
        }
        let insert = group.returning_statement(table);
        let sql = dialect.insert_text(&insert, group.rows.len())?;
        let returned = session.fetch(RenderedSql::new(sql, params)).await?;
        write_returned(table, &group.generated, &group.rows, &returned, models)
    }

    /// Inserts every group, writing what the database generated into `models`.
    async fn create(
        self,
        tx: &mut Tx<'_>,
        models: &mut dyn WriteBack,
        sent: &mut Sent,
    ) -> Result<()> {
        let Batch {
            table,
            dialect,
            groups,
            ..
        } = self;
        let mut explicit_ids = false;
        let mut id_step = None;
        for mut group in groups {
            explicit_ids |= group.sets_auto_increment(table);
            #[cfg(feature = "postgres")]
            {
                sent.push(group.rows.iter().copied());
                if let Some(ids) = copy_group(tx, table, &group).await? {
                    for (&r, id) in group.rows.iter().zip(ids) {
                        models.set_auto_id(r, id)?;
                    }
                    continue;
                }
                // Not sent after all: the rows go in INSERT chunks below.
                sent.retract();
            }
            let ids_returned = !group.generated.is_empty() && !ids_reported(dialect, table, &group);
            if ids_returned {
                let returning = group.returning_statement(table);
                let mut text = Text::default();
                for (k, params) in std::mem::take(&mut group.chunks).into_iter().enumerate() {
                    let chunk = group.chunk_rows(k);
                    sent.push(chunk.iter().copied());
                    let sql = text.get(dialect, &returning, chunk.len())?;
                    let returned = (&mut *tx)
                        .fetch_all_rows(RenderedSql::new(sql, params))
                        .await?;
                    write_returned(table, &group.generated, chunk, &returned, models)?;
                }
                continue;
            }
            // Statements that return no rows: each chunk's values are bound while the
            // statement before it runs (on SQLite's worker thread, or on the server).
            let mut inserts =
                ids_by_rowid(dialect, table, &group).then(|| RowidInserts::new(table, &group));
            let plain = group.statement(table, None);
            let mut plain_text = Text::default();
            let mut chunks = std::mem::take(&mut group.chunks).into_iter().enumerate();
            let mut bind = |k: usize, params: Vec<Value>, inserts: &mut Option<RowidInserts>| {
                let n = group.chunk_rows(k).len();
                let statement = match inserts {
                    Some(inserts) => inserts.statement(dialect, n, params)?,
                    None => RenderedSql::new(plain_text.get(dialect, &plain, n)?, params),
                };
                Ok::<_, Error>((k, Bound::new(dialect, statement)?))
            };
            let mut next = chunks
                .next()
                .map(|(k, params)| bind(k, params, &mut inserts));
            while let Some(bound) = next.take() {
                let (k, bound) = bound?;
                let chunk = group.chunk_rows(k);
                sent.push(chunk.iter().copied());
                let (result, upcoming) =
                    futures_util::future::join(tx.execute_bound(bound), async {
                        chunks
                            .next()
                            .map(|(k, params)| bind(k, params, &mut inserts))
                    })
                    .await;
                next = upcoming;
                let result = result?;
                if let Some(inserts) = &mut inserts {
                    let mut session = &mut *tx;
                    inserts
                        .finish(&mut session, table, &group, chunk, result, models)
                        .await?;
                    continue;
                }
                if group.generated.is_empty() {
                    continue;
                }
                let step = match id_step {
                    Some(step) => step,
                    None => *id_step.insert(generated_id_step(tx, dialect).await?),
                };
                let ids = FirstIds {
                    first: reported_id(table, &result)?,
                    step,
                };
                fill_from_first_id(tx, dialect, table, &group.generated, chunk, ids, models)
                    .await?;
            }
        }
        if explicit_ids {
            super::sync_generated_ids(tx, dialect, table).await?;
        }
        Ok(())
    }

    /// Sends every group with `conflict`'s clause.
    async fn upsert(self, tx: &mut Tx<'_>, conflict: &OnConflict, sent: &mut Sent) -> Result<()> {
        let Batch {
            table,
            dialect,
            groups,
            ..
        } = self;
        let mut explicit_ids = false;
        for mut group in groups {
            explicit_ids |= group.sets_auto_increment(table);
            let insert = group.statement(table, Some(conflict));
            let mut text = Text::default();
            for (k, params) in std::mem::take(&mut group.chunks).into_iter().enumerate() {
                let chunk = group.chunk_rows(k);
                sent.push(chunk.iter().copied());
                let sql = text.get(dialect, &insert, chunk.len())?;
                (&mut *tx)
                    .execute_sql(RenderedSql::new(sql, params))
                    .await?;
            }
        }
        if explicit_ids {
            super::sync_generated_ids(tx, dialect, table).await?;
        }
        Ok(())
    }
}

/// An upsert's rows in a batch, and which input row each batch row came from: with an update
/// action, one key twice in a batch keeps only its last row, on every backend (PostgreSQL
/// refuses to update a row twice in one statement).
fn upsert_batch<'t>(
    table: &'t Table,
    dialect: Dialect,
    conflict: &OnConflict,
    mut values: Vec<Vec<Value>>,
) -> (Batch<'t>, Vec<usize>) {
    let input: Vec<usize> = if matches!(conflict.action, ConflictAction::Update(_)) {
        let positions: Vec<usize> = conflict
            .columns
            .iter()
            .filter_map(|name| table.columns.iter().position(|c| c.name == *name))
            .collect();
        super::key::last_of_each(&values, &positions)
    } else {
        (0..values.len()).collect()
    };
    let mut batch = Batch::new(table, dialect, input.len());
    if input.len() == values.len() {
        for row in values {
            batch.push(row);
        }
    } else {
        for &i in &input {
            batch.push(std::mem::take(&mut values[i]));
        }
    }
    (batch, input)
}

/// PostgreSQL: the group's rows through COPY; the ids to fill in (empty when none are
/// generated), or `None` when COPY does not apply and the rows are still to be inserted.
#[cfg(feature = "postgres")]
async fn copy_group(tx: &mut Tx<'_>, table: &Table, group: &Group) -> Result<Option<Vec<i64>>> {
    let target = crate::copy::CopyGroup {
        table: table.name,
        columns: table.columns,
        generated: &group.generated,
        written: &group.written,
        chunks: &group.chunks,
        per_chunk: group.per_statement,
        rows: group.rows.len(),
    };
    Ok(match crate::copy::copy_insert(tx, target).await? {
        crate::copy::CopyOutcome::Inserted(ids) => Some(ids),
        crate::copy::CopyOutcome::NotApplicable => None,
    })
}

/// Whether the dialect reports the ids of `group`'s INSERTs without RETURNING: MySQL's first
/// id always, SQLite's last rowid when the key is the only generated column (and the rowids
/// have room, which the INSERT itself checks: see [`RowidInserts`]).
fn ids_reported(dialect: Dialect, table: &Table, group: &Group) -> bool {
    match dialect.generated_ids() {
        GeneratedIds::Returning => false,
        GeneratedIds::LastRowid => only_auto_generated(table, group),
        GeneratedIds::FirstId => true,
    }
}

/// Whether the auto-increment key is the only column generated for `group`'s rows.
fn only_auto_generated(table: &Table, group: &Group) -> bool {
    matches!(group.generated.as_slice(), [i] if table.columns[*i].auto_increment)
}

/// Whether `group`'s generated ids come from SQLite's `last_insert_rowid()`, through the
/// guarded INSERTs of [`RowidInserts`].
fn ids_by_rowid(dialect: Dialect, table: &Table, group: &Group) -> bool {
    !group.generated.is_empty()
        && dialect.generated_ids() == GeneratedIds::LastRowid
        && ids_reported(dialect, table, group)
}

/// Whether the dialect's bulk-load path (PostgreSQL's COPY) may take a group of `rows` rows
/// (it decides on their size too).
fn copy_may_take(dialect: Dialect, rows: usize) -> bool {
    dialect.copy_min_rows().is_some_and(|min| rows >= min)
}

/// Writes the generated columns an INSERT … RETURNING sent back (one row per row of `chunk`,
/// in order) into `models`; nothing when the INSERT generated nothing.
fn write_returned(
    table: &Table,
    generated: &[usize],
    chunk: &[usize],
    returned: &[crate::exec::Row],
    models: &mut dyn WriteBack,
) -> Result<()> {
    if generated.is_empty() {
        return Ok(());
    }
    if returned.len() != chunk.len() {
        return Err(Error::invalid_query(format!(
            "INSERT INTO {} returned {} rows for {}",
            table.name,
            returned.len(),
            chunk.len(),
        )));
    }
    for (&r, row) in chunk.iter().zip(returned) {
        for (at, &column) in generated.iter().enumerate() {
            models.set_column(r, column, row, at)?;
        }
    }
    Ok(())
}

/// The step between the ids of one multi-row INSERT: the server's auto_increment_increment
/// (1 unless set), where the dialect reads ids from the first one.
async fn generated_id_step(tx: &mut Tx<'_>, dialect: Dialect) -> Result<i64> {
    let Some(sql) = dialect.generated_id_step_sql() else {
        return Ok(1);
    };
    let fetched = (&mut *tx)
        .fetch_all_rows(RenderedSql::new(sql.to_owned(), Vec::new()))
        .await?;
    id_step(&fetched)
}

/// The id step from the rows of the dialect's `generated_id_step_sql` (1 without a row).
fn id_step(fetched: &[crate::exec::Row]) -> Result<i64> {
    match fetched.first() {
        Some(row) => row.try_get::<i64>(0),
        None => Ok(1),
    }
}

/// The id the backend reports for an INSERT into `table`: its first row's on MySQL, its last
/// row's on SQLite.
fn reported_id(table: &Table, result: &ExecResult) -> Result<i64> {
    result.last_insert_id.ok_or_else(|| {
        Error::invalid_query(format!(
            "INSERT INTO {} reported no generated id",
            table.name
        ))
    })
}

/// The ids of one multi-row INSERT where the backend reports the first.
struct FirstIds {
    first: i64,
    step: i64,
}

impl FirstIds {
    /// Writes the ids into the rows at `chunk`, in order.
    fn assign(&self, chunk: &[usize], models: &mut dyn WriteBack) -> Result<()> {
        for (offset, &r) in chunk.iter().enumerate() {
            models.set_auto_id(r, self.first + offset as i64 * self.step)?;
        }
        Ok(())
    }
}

/// MySQL: a multi-row INSERT reports the first generated id; the others follow it by `step`
/// (InnoDB's default "consecutive" lock mode for simple inserts). Defaulted columns are read
/// back by key.
async fn fill_from_first_id(
    tx: &mut Tx<'_>,
    dialect: Dialect,
    table: &Table,
    generated: &[usize],
    chunk: &[usize],
    ids: FirstIds,
    models: &mut dyn WriteBack,
) -> Result<()> {
    let auto = generated
        .iter()
        .copied()
        .find(|&i| table.columns[i].auto_increment);
    if auto.is_some() {
        ids.assign(chunk, models)?;
    }
    let defaulted: Vec<usize> = generated
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
                .map(|&i| Node::Column(table.columns[i].name))
                .collect(),
            filter: Some(key_condition(table.columns, models.primary_key(r))),
            ..Select::new(table.name)
        };
        let fetched = (&mut *tx).fetch_all_rows(select.render(dialect)?).await?;
        let row = fetched
            .first()
            .ok_or(Error::NotFound { table: table.name })?;
        for (at, &column) in defaulted.iter().enumerate() {
            models.set_column(r, column, row, at)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::Row;
    use crate::value::SqlType;

    static COLUMNS: [ColumnDef; 3] = {
        let mut id = ColumnDef::new("id", "id", SqlType::I64, false);
        id.primary_key = true;
        id.auto_increment = true;
        let name = ColumnDef::new("name", "name", SqlType::Text, false);
        let mut note = ColumnDef::new("note", "note", SqlType::Text, true);
        note.default = Some("'n'");
        [id, name, note]
    };

    fn table() -> Table {
        fn decode(_: &Row) -> Result<Vec<Value>> {
            Ok(Vec::new())
        }
        Table {
            name: "t",
            columns: &COLUMNS,
            soft_delete: None,
            decode,
        }
    }

    fn row(id: i64, name: &str, note: Option<&str>) -> Vec<Value> {
        vec![
            Value::I64(id),
            Value::Text(name.into()),
            note.map_or(Value::Null(SqlType::Text), |n| Value::Text(n.into())),
        ]
    }

    #[test]
    fn rows_group_by_the_columns_the_database_fills_in() {
        let table = table();
        let mut batch = Batch::new(&table, Dialect::Sqlite, 4);
        batch.push(row(0, "a", None));
        batch.push(row(5, "b", Some("x")));
        batch.push(row(0, "c", None));
        batch.push(row(0, "d", Some("y")));
        let shapes: Vec<(&[usize], &[usize], &[usize])> = batch
            .groups
            .iter()
            .map(|g| (&g.generated[..], &g.written[..], &g.rows[..]))
            .collect();
        assert_eq!(
            shapes,
            vec![
                (&[0, 2][..], &[1][..], &[0, 2][..]),
                (&[][..], &[0, 1, 2][..], &[1][..]),
                (&[0][..], &[1, 2][..], &[3][..]),
            ]
        );
        assert_eq!(
            batch.groups[0].chunks,
            vec![vec![Value::Text("a".into()), Value::Text("c".into())]]
        );
        assert_eq!(batch.groups[1].chunks, vec![row(5, "b", Some("x"))]);
    }

    #[test]
    fn a_group_is_chunked_at_the_bind_limit() {
        let table = table();
        let per_statement = Dialect::Sqlite.bulk_statement_params() / 3;
        let n = per_statement + 2;
        let mut batch = Batch::new(&table, Dialect::Sqlite, n);
        for i in 0..n {
            batch.push(row(i as i64 + 1, "x", Some("y")));
        }
        let group = &batch.groups[0];
        assert_eq!(group.chunks.len(), 2);
        assert_eq!(group.chunks[0].len(), per_statement * 3);
        assert_eq!(group.chunks[1].len(), 6);
        assert_eq!(group.chunk_rows(0).len(), per_statement);
        assert_eq!(group.chunk_rows(1), &[per_statement, per_statement + 1]);
        assert_eq!(group.chunks[1][0], Value::I64(per_statement as i64 + 1));
    }

    #[test]
    fn the_rowid_guard_follows_the_rows_and_is_sqlite_only() {
        let table = table();
        let mut batch = Batch::new(&table, Dialect::Sqlite, 2);
        batch.push(row(0, "a", Some("x")));
        batch.push(row(0, "b", None));
        let insert = batch.groups[0].statement(&table, None);
        assert_eq!(
            Dialect::Sqlite
                .insert_text_with_rowid_room(&insert, 2)
                .unwrap(),
            "INSERT INTO \"t\" (\"name\", \"note\") SELECT * FROM (VALUES (?, ?), (?, ?)) \
             WHERE NOT EXISTS (SELECT 1 FROM \"t\" WHERE rowid > ?)"
        );
        assert!(matches!(
            Dialect::Postgres.insert_text_with_rowid_room(&insert, 2),
            Err(Error::Unsupported { .. })
        ));
    }

    #[test]
    fn the_shared_text_is_the_text_of_the_rendered_statement() {
        let conflict = OnConflict {
            columns: vec!["name"],
            action: ConflictAction::Update(vec!["note", "id"]),
            predicate: None,
            live_only: None,
        };
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            for on_conflict in [None, Some(&conflict)] {
                let table = table();
                let mut batch = Batch::new(&table, dialect, 2);
                batch.push(row(0, "a", Some("x")));
                batch.push(row(0, "b", Some("y")));
                let group = &batch.groups[0];
                let mut insert = group.statement(&table, on_conflict);
                insert.returning = vec!["id"];
                if dialect == Dialect::Mysql {
                    insert.returning.clear();
                }
                let text = dialect.insert_text(&insert, 2).unwrap();
                insert.rows = vec![
                    vec![Value::Text("a".into()), Value::Text("x".into())],
                    vec![Value::Text("b".into()), Value::Text("y".into())],
                ];
                let rendered = insert.render(dialect).unwrap();
                assert_eq!(text, rendered.sql);
                assert_eq!(rendered.params, group.chunks[0]);
            }
        }
    }
}
