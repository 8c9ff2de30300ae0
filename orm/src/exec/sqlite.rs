//! SQLite binding and decoding quirks.

use sqlx::sqlite::{SqliteQueryResult, SqliteRow};
use sqlx::{Row as _, Sqlite, TypeInfo as _, ValueRef as _};

use super::driver::{Backend, Put as _};
use super::{ExecResult, Row, RowInner};
use crate::error::{Error, Result};
use crate::value::Value;

type Args = sqlx::sqlite::SqliteArguments;

impl Backend for Sqlite {
    const WORKER_THREAD: bool = true;

    fn bind_value(args: &mut Args, value: Value) -> Result<()> {
        match value {
            Value::Null(_) => args.put(None::<i64>),
            Value::Bool(v) => args.put(v),
            Value::I16(v) => args.put(v),
            Value::I32(v) => args.put(v),
            Value::I64(v) => args.put(v),
            Value::F32(v) => args.put(f64::from(v)),
            Value::F64(v) => args.put(v),
            Value::Text(v) => args.put(v),
            Value::Bytes(v) => args.put(v),
            Value::DateTime(v) => args.put(v),
            Value::NaiveDateTime(v) => args.put(v),
            Value::Date(v) => args.put(v),
            Value::Json(v) => args.put(serde_json::to_string(&v)?),
            Value::Unencodable(why) => Err(Error::Encode { message: why }),
            Value::List(..) => Err(Error::Encode {
                message: "a list value must be expanded by the dialect on SQLite".into(),
            }),
        }
    }

    fn wrap_row(row: SqliteRow) -> Row {
        Row {
            inner: RowInner::Sqlite(row),
        }
    }

    fn exec_result(result: &SqliteQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: result.rows_affected(),
            // The connection's last inserted rowid: meaningful after an INSERT.
            last_insert_id: (result.last_insert_rowid() != 0).then(|| result.last_insert_rowid()),
        }
    }
}

/// SQLite keeps the storage class of each value: a NUMERIC or REAL column may hold an INTEGER
/// (`2.0` is stored as `2`). Integers are widened; text or blobs still fail to decode.
pub(super) fn get_f64(row: &SqliteRow, index: usize) -> Result<Option<f64>, sqlx::Error> {
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(None);
    }
    if raw.type_info().name() == "INTEGER" {
        return Ok(Some(row.try_get::<i64, _>(index)? as f64));
    }
    row.try_get::<f64, _>(index).map(Some)
}
