//! `bulk_update` and `bulk_delete` on rows of values: chunked statements, each row's values
//! moved once into its statement's parameters, one text per number of rows.

use crate::bulk::insert::rows_per_statement;
use crate::bulk::{ModelValues, Session, Table};
use crate::dialect::RenderedSql;
use crate::error::{Error, Result};
use crate::exec::{Executor, Tx};
use crate::expr::Node;
use crate::failed_row::{self, Lookup, Sent};
use crate::model::{keys_in, live, soft_delete_now};
use crate::stmt::{BulkUpdate, Delete, Update};
use crate::value::Value;

/// `bulk_update`: writes the columns named `columns` of every row of `values` (one row of
/// values per model of `models`) in one transaction; returns the number of rows matched.
pub(super) async fn update(
    exec: &mut dyn Session,
    table: &Table,
    columns: &[&'static str],
    values: Vec<Vec<Value>>,
    models: &dyn ModelValues,
) -> Result<u64> {
    let indexes = updated_columns(table, columns)?;
    let mut sent = Sent::new();
    let mut tx = exec.begin().await?;
    match update_rows(&mut tx, table, &indexes, values, &mut sent).await {
        Ok(changed) => {
            tx.commit().await?;
            Ok(changed)
        }
        Err(error) => {
            let _ = tx.rollback().await;
            let values = models.values_of(None);
            let lookup = Lookup::Update;
            Err(failed_row::locate(exec, table, error, &values, &sent, lookup, None).await)
        }
    }
}

/// `bulk_delete`: deletes the rows with these primary keys (soft-deletes the live ones, on a
/// soft-delete model) in one transaction; returns how many.
pub(super) async fn delete(
    exec: &mut dyn Session,
    table: &Table,
    keys: Vec<Vec<Value>>,
) -> Result<u64> {
    let mut tx = exec.begin().await?;
    let deleted = delete_rows(&mut tx, table, keys).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// The indexes of the columns `bulk_update` was asked to write; an error for a name that is
/// not a column, a primary-key column, or none at all.
fn updated_columns(table: &Table, names: &[&'static str]) -> Result<Vec<usize>> {
    let mut indexes = Vec::with_capacity(names.len());
    for name in names {
        let i = table
            .columns
            .iter()
            .position(|c| c.name == *name)
            .ok_or_else(|| {
                Error::invalid_query(format!(
                    "bulk_update: `{name}` is not a column of {}",
                    table.name
                ))
            })?;
        if table.columns[i].primary_key {
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
    Ok(indexes)
}

/// Writes `columns` of every row of `values` (one value per column of `table`), found by
/// primary key; returns the number of rows matched.
async fn update_rows(
    tx: &mut Tx<'_>,
    table: &Table,
    columns: &[usize],
    mut values: Vec<Vec<Value>>,
    sent: &mut Sent,
) -> Result<u64> {
    let dialect = Tx::dialect(tx);
    let keys: Vec<usize> = (0..table.columns.len())
        .filter(|&i| table.columns[i].primary_key)
        .collect();
    let width = keys.len() + columns.len();
    // A row listed twice: its last values win, on every backend.
    let kept = super::key::last_of_each(&values, &keys);
    let statement = BulkUpdate {
        table: table.name,
        keys: keys.iter().map(|&i| table.columns[i].name).collect(),
        columns: columns.iter().map(|&i| table.columns[i].name).collect(),
        rows: Vec::new(),
        filter: table.soft_delete.map(|column| Node::IsNull {
            expr: Box::new(Node::TableColumn(table.name, column)),
            negated: false,
        }),
    };
    let mut text: Option<(usize, String)> = None;
    let mut changed = 0;
    for chunk in kept.chunks(rows_per_statement(dialect, width)) {
        sent.push(chunk.iter().copied());
        let mut params = Vec::with_capacity(chunk.len() * width);
        for &r in chunk {
            let row = &mut values[r];
            for &i in keys.iter().chain(columns) {
                let null = Value::Null(table.columns[i].sql_type);
                params.push(std::mem::replace(&mut row[i], null));
            }
        }
        let sql = match &text {
            Some((rows, sql)) if *rows == chunk.len() => sql.clone(),
            _ => {
                let sql = dialect.bulk_update_text(&statement, chunk.len())?;
                text.insert((chunk.len(), sql)).1.clone()
            }
        };
        let done = (&mut *tx)
            .execute_sql(RenderedSql::new(sql, params))
            .await?;
        changed += done.rows_affected;
    }
    Ok(changed)
}

/// Deletes the rows with these primary keys, in `tx`.
async fn delete_rows(tx: &mut Tx<'_>, table: &Table, keys: Vec<Vec<Value>>) -> Result<u64> {
    let dialect = Tx::dialect(tx);
    let key_columns: Vec<_> = table.columns.iter().filter(|c| c.primary_key).collect();
    let mut deleted = 0;
    // Composite keys: at most 1,000 row values a statement; PostgreSQL expands a row-value IN
    // into nested conditions and runs out of stack on tens of thousands.
    let per_statement = match key_columns.len() {
        1 => rows_per_statement(dialect, 1),
        n => rows_per_statement(dialect, n).min(1_000),
    };
    for chunk in keys.chunks(per_statement) {
        let filter = keys_in(&key_columns, chunk.to_vec());
        let statement = match table.soft_delete {
            // Soft-delete models: bulk_delete marks the live rows deleted.
            Some(column) => Update {
                table: table.name,
                sets: vec![(column, Node::Value(Value::DateTime(soft_delete_now())))],
                filter: Some(Node::And(Box::new(live(column)), Box::new(filter))),
            }
            .render(dialect)?,
            None => Delete {
                table: table.name,
                filter: Some(filter),
            }
            .render(dialect)?,
        };
        deleted += (&mut *tx).execute_sql(statement).await?.rows_affected;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Dialect;

    #[test]
    fn the_shared_text_is_the_text_of_the_rendered_statement() {
        let mut statement = BulkUpdate {
            table: "t",
            keys: vec!["id"],
            columns: vec!["name", "note"],
            rows: Vec::new(),
            filter: Some(live("deleted_at")),
        };
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            let text = dialect.bulk_update_text(&statement, 2).unwrap();
            statement.rows = vec![
                vec![
                    Value::I64(1),
                    Value::Text("a".into()),
                    Value::Text("x".into()),
                ],
                vec![
                    Value::I64(2),
                    Value::Text("b".into()),
                    Value::Text("y".into()),
                ],
            ];
            assert_eq!(text, statement.render(dialect).unwrap().sql);
            statement.rows.clear();
        }
    }
}
