//! PostgreSQL binding: NULLs carry their type, lists bind as one typed array.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::Postgres;
use sqlx::postgres::{PgQueryResult, PgRow};
use sqlx::types::Json;

use super::driver::{Backend, Put as _};
use super::{ExecResult, Row, RowInner};
use crate::error::{Error, Result};
use crate::value::{SqlType, Value};

type Args = sqlx::postgres::PgArguments;

impl Backend for Postgres {
    fn bind_value(args: &mut Args, value: Value) -> Result<()> {
        match value {
            Value::Null(ty) => match ty {
                SqlType::Bool => args.put(None::<bool>),
                SqlType::I16 => args.put(None::<i16>),
                SqlType::I32 => args.put(None::<i32>),
                SqlType::I64 => args.put(None::<i64>),
                SqlType::F32 => args.put(None::<f32>),
                SqlType::F64 => args.put(None::<f64>),
                SqlType::Text => args.put(None::<String>),
                SqlType::Bytes => args.put(None::<Vec<u8>>),
                SqlType::DateTime => args.put(None::<DateTime<Utc>>),
                SqlType::NaiveDateTime => args.put(None::<NaiveDateTime>),
                SqlType::Date => args.put(None::<NaiveDate>),
                SqlType::Json => args.put(None::<Json<serde_json::Value>>),
            },
            Value::Bool(v) => args.put(v),
            Value::I16(v) => args.put(v),
            Value::I32(v) => args.put(v),
            Value::I64(v) => args.put(v),
            Value::F32(v) => args.put(v),
            Value::F64(v) => args.put(v),
            Value::Text(v) => args.put(v),
            Value::Bytes(v) => args.put(v),
            Value::DateTime(v) => args.put(v),
            Value::NaiveDateTime(v) => args.put(v),
            Value::Date(v) => args.put(v),
            Value::Json(v) => args.put(Json(v)),
            Value::Unencodable(why) => Err(Error::Encode { message: why }),
            Value::List(ty, items) => bind_array(args, ty, items),
        }
    }

    fn wrap_row(row: PgRow) -> Row {
        Row {
            inner: RowInner::Postgres(row),
        }
    }

    fn exec_result(result: &PgQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: result.rows_affected(),
            last_insert_id: None,
        }
    }
}

fn bind_array(args: &mut Args, ty: SqlType, items: Vec<Value>) -> Result<()> {
    macro_rules! array {
        ($variant:ident, $rust:ty) => {{
            let mut out: Vec<$rust> = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::$variant(v) => out.push(v),
                    other => return Err(mismatch(ty, &other)),
                }
            }
            args.put(out)
        }};
    }
    match ty {
        SqlType::Bool => array!(Bool, bool),
        SqlType::I16 => array!(I16, i16),
        SqlType::I32 => array!(I32, i32),
        SqlType::I64 => array!(I64, i64),
        SqlType::F32 => array!(F32, f32),
        SqlType::F64 => array!(F64, f64),
        SqlType::Text => array!(Text, String),
        SqlType::Bytes => array!(Bytes, Vec<u8>),
        SqlType::DateTime => array!(DateTime, DateTime<Utc>),
        SqlType::NaiveDateTime => array!(NaiveDateTime, NaiveDateTime),
        SqlType::Date => array!(Date, NaiveDate),
        SqlType::Json => Err(Error::Encode {
            message: "JSON values cannot be bound as an array".into(),
        }),
    }
}

fn mismatch(ty: SqlType, value: &Value) -> Error {
    Error::Encode {
        message: format!(
            "a list of {ty:?} holds a value of type {:?}",
            value.sql_type()
        ),
    }
}
