//! Rows compared by some of their columns without formatting them: which rows of one bulk
//! statement name the same database row.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::value::Value;

/// The values of `columns` in `row`, hashable and comparable. Values are equal when they are
/// the same variant with the same payload; floats compare by their bits, so a NaN key equals
/// itself and `-0.0` differs from `0.0` (as their `Debug` forms, the earlier key, did).
#[derive(Clone, Copy)]
pub(crate) struct RowKey<'a> {
    row: &'a [Value],
    columns: &'a [usize],
}

impl<'a> RowKey<'a> {
    pub(crate) fn new(row: &'a [Value], columns: &'a [usize]) -> Self {
        RowKey { row, columns }
    }

    fn values(&self) -> impl Iterator<Item = Option<&'a Value>> + '_ {
        self.columns.iter().map(|&c| self.row.get(c))
    }
}

impl PartialEq for RowKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.columns.len() == other.columns.len()
            && self.values().zip(other.values()).all(|pair| match pair {
                (Some(a), Some(b)) => same(a, b),
                (None, None) => true,
                _ => false,
            })
    }
}

impl Eq for RowKey<'_> {}

impl Hash for RowKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for value in self.values() {
            match value {
                Some(v) => hash_value(v, state),
                None => state.write_u8(0xff),
            }
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F32(x), Value::F32(y)) => x.to_bits() == y.to_bits(),
        (Value::F64(x), Value::F64(y)) => x.to_bits() == y.to_bits(),
        (Value::List(t, xs), Value::List(u, ys)) => {
            t == u && xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        _ => a == b,
    }
}

fn hash_value<H: Hasher>(value: &Value, state: &mut H) {
    std::mem::discriminant(value).hash(state);
    match value {
        Value::Null(ty) => ty.hash(state),
        Value::Bool(v) => v.hash(state),
        Value::I16(v) => v.hash(state),
        Value::I32(v) => v.hash(state),
        Value::I64(v) => v.hash(state),
        Value::F32(v) => v.to_bits().hash(state),
        Value::F64(v) => v.to_bits().hash(state),
        Value::Text(v) | Value::Unencodable(v) => v.hash(state),
        Value::Bytes(v) => v.hash(state),
        Value::DateTime(v) => v.hash(state),
        Value::NaiveDateTime(v) => v.hash(state),
        Value::Date(v) => v.hash(state),
        // serde_json's Value is not `Hash`; equal documents still hash alike.
        Value::Json(_) => {}
        Value::List(ty, values) => {
            ty.hash(state);
            values.len().hash(state);
            for v in values {
                hash_value(v, state);
            }
        }
    }
}

/// Indexes of `rows` keeping only the last row of each key (the values of `columns`), in
/// input order: a key listed twice in one statement is refused by PostgreSQL and resolved
/// differently elsewhere.
pub(crate) fn last_of_each(rows: &[Vec<Value>], columns: &[usize]) -> Vec<usize> {
    let mut last: HashMap<RowKey<'_>, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        last.insert(RowKey::new(row, columns), i);
    }
    if last.len() == rows.len() {
        return (0..rows.len()).collect();
    }
    (0..rows.len())
        .filter(|&i| last.get(&RowKey::new(&rows[i], columns)) == Some(&i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::SqlType;

    #[test]
    fn the_last_row_of_each_key_is_kept_in_input_order() {
        let rows = vec![
            vec![Value::I64(1), Value::Text("a".into())],
            vec![Value::I64(2), Value::Text("b".into())],
            vec![Value::I64(1), Value::Text("c".into())],
            vec![Value::I32(1), Value::Text("d".into())],
        ];
        assert_eq!(last_of_each(&rows, &[0]), vec![1, 2, 3]);
        assert_eq!(last_of_each(&rows, &[1]), vec![0, 1, 2, 3]);
        assert_eq!(last_of_each(&rows, &[]), vec![3]);
    }

    #[test]
    fn floats_compare_by_bits_and_nulls_by_type() {
        let rows = vec![
            vec![Value::F64(f64::NAN)],
            vec![Value::F64(f64::NAN)],
            vec![Value::F64(0.0)],
            vec![Value::F64(-0.0)],
            vec![Value::Null(SqlType::Text)],
            vec![Value::Null(SqlType::I64)],
        ];
        assert_eq!(last_of_each(&rows, &[0]), vec![1, 2, 3, 4, 5]);
    }
}
