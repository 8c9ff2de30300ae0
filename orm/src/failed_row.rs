//! Which input row a bulk operation's constraint error was about. Each backend names the column
//! (SQLite, MySQL's NOT NULL, PostgreSQL) and sometimes the offending value (PostgreSQL's
//! detail `Key (slug)=(a) already exists.`, MySQL's `Duplicate entry 'a' for key …`); that is
//! matched against the rows that were sent, in the order they were sent.

use std::collections::HashSet;

use crate::bulk::{RowKey, Session, Table};
use crate::dialect::Dialect;
use crate::error::Error;
use crate::expr::Node;
use crate::model::{ColumnDef, keys_in, live};
use crate::stmt::Select;
use crate::value::Value;

/// The rows a bulk statement had sent when one failed.
pub(crate) struct Sent {
    /// Input indexes in the order the rows were sent, through the failing statement.
    pub order: Vec<usize>,
    /// Where the failing statement's rows start in `order`.
    pub failing_from: usize,
}

impl Sent {
    pub(crate) fn new() -> Self {
        Sent {
            order: Vec::new(),
            failing_from: 0,
        }
    }

    /// Records the rows of the statement about to run.
    pub(crate) fn push(&mut self, rows: impl IntoIterator<Item = usize>) {
        self.failing_from = self.order.len();
        self.order.extend(rows);
    }

    /// Forgets the rows of the last `push`: they were not sent after all.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn retract(&mut self) {
        self.order.truncate(self.failing_from);
    }

    fn failing(&self) -> &[usize] {
        &self.order[self.failing_from..]
    }
}

/// What a constraint error says about the failing row; read by the dialect
/// (`SqlDialect::constraint_clue`).
#[derive(Debug, PartialEq)]
pub(crate) enum Clue {
    /// A NOT NULL column received NULL.
    NotNull(String),
    /// A unique key rejected a duplicate: its columns and value when the backend says them.
    Unique {
        columns: Option<Vec<String>>,
        value: Option<String>,
    },
    /// A foreign key named no parent row for this value.
    ForeignKey { columns: Vec<String>, value: String },
}

/// What a unique violation is measured against. An insert's rows are new: a key already
/// stored, or sent earlier, means the row carrying it failed. An update's rows exist: only a
/// row whose key changes can collide, so the stored rows are read to see which do.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Lookup {
    Insert,
    Update,
}

/// Fills in `row` of a database error from a bulk operation on `table`, once the operation's
/// transaction is rolled back. `values` holds every input row's values by input index;
/// `input`, when given, maps those indexes to the caller's (an upsert drops repeated keys
/// first).
pub(crate) async fn locate(
    exec: &mut dyn Session,
    table: &Table,
    mut error: Error,
    values: &[Vec<Value>],
    sent: &Sent,
    lookup: Lookup,
    input: Option<&[usize]>,
) -> Error {
    let dialect = exec.dialect();
    let Error::Database {
        kind,
        message,
        detail,
        ..
    } = &error
    else {
        return error;
    };
    let Some(clue) = dialect
        .rules()
        .constraint_clue(*kind, message, detail.as_deref())
    else {
        return error;
    };
    let found = match clue {
        Clue::NotNull(column) => column_index(table, &column).and_then(|c| {
            sent.failing()
                .iter()
                .copied()
                .find(|&r| values[r][c].is_null())
        }),
        Clue::ForeignKey { columns, value } => key_columns(table, &columns).and_then(|key| {
            sent.failing()
                .iter()
                .copied()
                .find(|&r| render(dialect, &key, &values[r]).as_deref() == Some(value.as_str()))
        }),
        Clue::Unique { columns, value } => {
            duplicate(exec, table, values, sent, lookup, columns, value).await
        }
    };
    if let Error::Database { row, .. } = &mut error {
        *row = match input {
            Some(input) => found.and_then(|r| input.get(r).copied()),
            None => found,
        };
    }
    error
}

/// The row that a unique key refused: the first of the failing statement whose key was sent
/// earlier in the operation or was already stored.
async fn duplicate(
    exec: &mut dyn Session,
    table: &Table,
    values: &[Vec<Value>],
    sent: &Sent,
    lookup: Lookup,
    columns: Option<Vec<String>>,
    value: Option<String>,
) -> Option<usize> {
    let dialect = exec.dialect();
    let keys: Vec<Vec<usize>> = match &columns {
        Some(names) => vec![key_columns(table, names)?],
        None => unique_keys(table),
    };
    // The key whose rendering matches the reported value, and the sent rows carrying it.
    let (key, candidates) = keys.into_iter().find_map(|key| {
        let carrying: Vec<usize> = sent
            .order
            .iter()
            .copied()
            .filter(|&r| match &value {
                Some(v) => render(dialect, &key, &values[r])
                    .is_some_and(|s| dialect.rules().message_key_matches(&s, v)),
                None => true,
            })
            .collect();
        (!carrying.is_empty()).then_some((key, carrying))
    })?;
    let failing: HashSet<usize> = sent.failing().iter().copied().collect();
    if let (Some(_), [only]) = (&value, candidates.as_slice()) {
        return Some(*only);
    }
    if lookup == Lookup::Update {
        let in_failing: Vec<usize> = candidates
            .into_iter()
            .filter(|r| failing.contains(r))
            .collect();
        let primary: Vec<usize> = (0..table.columns.len())
            .filter(|&i| table.columns[i].primary_key)
            .collect();
        let stored = stored_rows(exec, table, &primary, values, &in_failing).await?;
        let identity: Vec<usize> = primary.iter().chain(&key).copied().collect();
        let unchanged: HashSet<RowKey<'_>> =
            stored.iter().map(|v| RowKey::new(v, &identity)).collect();
        let changed: Vec<usize> = in_failing
            .into_iter()
            .filter(|&r| !unchanged.contains(&RowKey::new(&values[r], &identity)))
            .collect();
        return match changed.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
    }
    let in_failing: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|r| failing.contains(r))
        .collect();
    let stored_values = stored_rows(exec, table, &key, values, &in_failing).await?;
    let stored: HashSet<RowKey<'_>> = stored_values.iter().map(|v| RowKey::new(v, &key)).collect();
    let mut seen = HashSet::new();
    for &r in &candidates {
        let id = RowKey::new(&values[r], &key);
        if failing.contains(&r) && (seen.contains(&id) || stored.contains(&id)) {
            return Some(r);
        }
        seen.insert(id);
    }
    None
}

/// The values of the stored rows whose `key` equals that of one of `rows`, among the rows a
/// unique key covers (live rows, for a soft-delete model's `unique` column).
async fn stored_rows(
    exec: &mut dyn Session,
    table: &Table,
    key: &[usize],
    values: &[Vec<Value>],
    rows: &[usize],
) -> Option<Vec<Vec<Value>>> {
    let dialect = exec.dialect();
    let columns: Vec<&ColumnDef> = key.iter().map(|&c| &table.columns[c]).collect();
    let keys = rows
        .iter()
        .map(|&r| key.iter().map(|&c| values[r][c].clone()).collect())
        .collect();
    let filter = keys_in(&columns, keys);
    let partial = table
        .soft_delete
        .filter(|_| !key.iter().all(|&c| table.columns[c].primary_key));
    let filter = match partial {
        Some(column) => Node::And(Box::new(live(column)), Box::new(filter)),
        None => filter,
    };
    let select = Select {
        columns: table.columns.iter().map(|c| Node::Column(c.name)).collect(),
        filter: Some(filter),
        ..Select::new(table.name)
    };
    let rows = exec.fetch(select.render(dialect).ok()?).await.ok()?;
    rows.iter().map(|row| (table.decode)(row).ok()).collect()
}

/// `Key (a, b)=(1, x)` → the column names and the value list as PostgreSQL printed it.
pub(crate) fn pg_key(text: &str) -> Option<(Vec<String>, String)> {
    let rest = text.strip_prefix("Key (")?;
    let split = rest.find(")=(")?;
    let columns = rest[..split]
        .split(", ")
        .map(|c| c.trim_matches('"').replace("\"\"", "\""))
        .collect();
    let value = rest[split + 3..].strip_suffix(')')?.to_owned();
    Some((columns, value))
}

pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// `table.column` → `column`.
pub(crate) fn unqualify(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, c)| c)
}

fn column_index(table: &Table, name: &str) -> Option<usize> {
    table.columns.iter().position(|c| c.name == name)
}

fn key_columns(table: &Table, names: &[String]) -> Option<Vec<usize>> {
    names.iter().map(|n| column_index(table, n)).collect()
}

/// Every key the model declares unique: the primary key and each `unique` column.
fn unique_keys(table: &Table) -> Vec<Vec<usize>> {
    let columns = table.columns;
    let primary: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i].primary_key)
        .collect();
    let singles = (0..columns.len())
        .filter(|&i| columns[i].unique && !columns[i].primary_key)
        .map(|i| vec![i]);
    std::iter::once(primary)
        .filter(|k| !k.is_empty())
        .chain(singles)
        .collect()
}

/// A key's values as the backend prints them in its message, for the types whose printing is
/// unambiguous; `None` for the others.
fn render(dialect: Dialect, key: &[usize], row: &[Value]) -> Option<String> {
    let parts: Option<Vec<String>> = key
        .iter()
        .map(|&c| match &row[c] {
            Value::Text(s) => Some(s.clone()),
            Value::I16(v) => Some(v.to_string()),
            Value::I32(v) => Some(v.to_string()),
            Value::I64(v) => Some(v.to_string()),
            Value::Bool(v) => Some(dialect.rules().message_bool(*v).to_owned()),
            Value::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            _ => None,
        })
        .collect();
    Some(parts?.join(dialect.rules().message_key_separator()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn postgres_details_name_columns_and_values() {
        let clue = Dialect::Postgres.rules().constraint_clue(
            ErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint \"t_pkey\"",
            Some("Key (a, \"Name\")=(1, x, y) already exists."),
        );
        assert_eq!(
            clue,
            Some(Clue::Unique {
                columns: Some(vec!["a".into(), "Name".into()]),
                value: Some("1, x, y".into()),
            })
        );
        let fk = Dialect::Postgres.rules().constraint_clue(
            ErrorKind::ForeignKeyViolation,
            "insert or update on table \"t\" violates foreign key constraint \"f\"",
            Some("Key (author_id)=(7) is not present in table \"author\"."),
        );
        assert_eq!(
            fk,
            Some(Clue::ForeignKey {
                columns: vec!["author_id".into()],
                value: "7".into()
            })
        );
    }

    #[test]
    fn sqlite_and_mysql_messages_name_columns_or_values() {
        assert_eq!(
            Dialect::Sqlite.rules().constraint_clue(
                ErrorKind::UniqueViolation,
                "UNIQUE constraint failed: t.a, t.b",
                None
            ),
            Some(Clue::Unique {
                columns: Some(vec!["a".into(), "b".into()]),
                value: None
            })
        );
        assert_eq!(
            Dialect::Mysql.rules().constraint_clue(
                ErrorKind::UniqueViolation,
                "Duplicate entry 'it''s-1' for key 'PRIMARY'",
                None
            ),
            Some(Clue::Unique {
                columns: None,
                value: Some("it''s-1".into())
            })
        );
        assert_eq!(
            Dialect::Mysql.rules().constraint_clue(
                ErrorKind::NotNullViolation,
                "Column 'name' cannot be null",
                None
            ),
            Some(Clue::NotNull("name".into()))
        );
    }
}
