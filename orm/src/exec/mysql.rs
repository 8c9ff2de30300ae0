//! MySQL/MariaDB binding: JSON travels as text, ids come from LAST_INSERT_ID.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::MySql;
use sqlx::mysql::{MySqlQueryResult, MySqlRow};

use super::driver::{Backend, Put as _};
use super::{ExecResult, Row, RowInner};
use crate::error::{Error, Result};
use crate::value::{SqlType, Value};

type Args = sqlx::mysql::MySqlArguments;

impl Backend for MySql {
    fn bind_value(args: &mut Args, value: Value) -> Result<()> {
        match value {
            Value::Null(ty) => match ty {
                SqlType::Bool => args.put(None::<bool>),
                SqlType::I16 | SqlType::I32 | SqlType::I64 => args.put(None::<i64>),
                SqlType::F32 | SqlType::F64 => args.put(None::<f64>),
                SqlType::Text | SqlType::Json => args.put(None::<String>),
                SqlType::Bytes => args.put(None::<Vec<u8>>),
                SqlType::DateTime | SqlType::NaiveDateTime => args.put(None::<NaiveDateTime>),
                SqlType::Date => args.put(None::<NaiveDate>),
            },
            Value::Bool(v) => args.put(v),
            Value::I16(v) => args.put(v),
            Value::I32(v) => args.put(v),
            Value::I64(v) => args.put(v),
            Value::F32(v) => args.put(v),
            Value::F64(v) => args.put(v),
            Value::Text(v) => args.put(v),
            Value::Bytes(v) => args.put(v),
            // sqlx sends DateTime<Utc> as TIMESTAMP, which MySQL turns into NULL outside
            // 1970–2038; as a DATETIME (the column type) every date survives. The session time
            // zone is UTC, so the value is the same instant.
            Value::DateTime(v) => args.put(v.naive_utc()),
            Value::NaiveDateTime(v) => args.put(v),
            Value::Date(v) => args.put(v),
            Value::Json(v) => args.put(serde_json::to_string(&v)?),
            Value::Unencodable(why) => Err(Error::Encode { message: why }),
            Value::List(..) => Err(Error::Encode {
                message: "a list value must be expanded by the dialect on MySQL".into(),
            }),
        }
    }

    fn wrap_row(row: MySqlRow) -> Row {
        Row {
            inner: RowInner::Mysql(row),
        }
    }

    fn exec_result(result: &MySqlQueryResult) -> ExecResult {
        let id = result.last_insert_id();
        ExecResult {
            rows_affected: result.rows_affected(),
            last_insert_id: (id != 0).then(|| i64::try_from(id).unwrap_or(i64::MAX)),
        }
    }
}

/// Whether column `index` arrives as text.
pub(super) fn is_text(row: &MySqlRow, index: usize) -> bool {
    use sqlx::{Column as _, Row as _, TypeInfo as _};
    row.columns().get(index).is_some_and(|c| {
        matches!(
            c.type_info().name(),
            "VARCHAR" | "CHAR" | "TEXT" | "LONGTEXT" | "MEDIUMTEXT" | "TINYTEXT"
        )
    })
}
