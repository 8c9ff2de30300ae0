//! Values bound to statements and the logical SQL types of columns. Owns nothing about how a
//! backend spells a type (that is the dialects') or how a value is sent (the executors').

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The logical type of a column or value, mapped to one exact SQL type per backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SqlType {
    /// `bool`: BOOLEAN (PostgreSQL), TINYINT(1) (MySQL), BOOLEAN as INTEGER (SQLite).
    Bool,
    /// `i16`: SMALLINT.
    I16,
    /// `i32`: INTEGER / INT.
    I32,
    /// `i64`: BIGINT (INTEGER on SQLite).
    I64,
    /// `f32`: REAL / FLOAT.
    F32,
    /// `f64`: DOUBLE PRECISION / DOUBLE / REAL.
    F64,
    /// `String`: TEXT (LONGTEXT, or VARCHAR(255) when indexed, on MySQL).
    Text,
    /// `Vec<u8>`: BLOB / BYTEA / LONGBLOB.
    Bytes,
    /// `DateTime<Utc>`: TIMESTAMPTZ / DATETIME(6) / TEXT.
    DateTime,
    /// `NaiveDateTime`: TIMESTAMP / DATETIME(6) / TEXT.
    NaiveDateTime,
    /// `NaiveDate`: DATE / DATE / TEXT.
    Date,
    /// JSON documents: JSONB / JSON / TEXT.
    Json,
}

impl SqlType {
    /// Whether arithmetic applies to values of this type.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            SqlType::I16 | SqlType::I32 | SqlType::I64 | SqlType::F32 | SqlType::F64
        )
    }

    /// Whether this is an integer type.
    pub const fn is_integer(self) -> bool {
        matches!(self, SqlType::I16 | SqlType::I32 | SqlType::I64)
    }
}

/// A value bound to a statement. Values are never written into SQL text.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL of a given type (PostgreSQL needs the type to bind it).
    Null(SqlType),
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer.
    I16(i16),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// Text.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A UTC timestamp.
    DateTime(DateTime<Utc>),
    /// A timestamp without time zone.
    NaiveDateTime(NaiveDateTime),
    /// A calendar date.
    Date(NaiveDate),
    /// A JSON document.
    Json(serde_json::Value),
    /// A value that could not be converted (a JSON serialization failure); binding it fails
    /// with [`Error::Encode`](crate::Error::Encode) carrying this reason, before anything runs.
    Unencodable(String),
    /// A list of values of one type, bound as one array where the backend has arrays
    /// (PostgreSQL `= ANY($1)`), expanded to one placeholder each elsewhere.
    List(SqlType, Vec<Value>),
}

impl Value {
    /// The logical type of this value.
    pub fn sql_type(&self) -> SqlType {
        match self {
            Value::Null(t) | Value::List(t, _) => *t,
            Value::Bool(_) => SqlType::Bool,
            Value::I16(_) => SqlType::I16,
            Value::I32(_) => SqlType::I32,
            Value::I64(_) => SqlType::I64,
            Value::F32(_) => SqlType::F32,
            Value::F64(_) => SqlType::F64,
            Value::Text(_) => SqlType::Text,
            Value::Bytes(_) => SqlType::Bytes,
            Value::DateTime(_) => SqlType::DateTime,
            Value::NaiveDateTime(_) => SqlType::NaiveDateTime,
            Value::Date(_) => SqlType::Date,
            Value::Json(_) | Value::Unencodable(_) => SqlType::Json,
        }
    }

    /// Whether this is SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// Whether this is an integer zero: the "not yet assigned" marker of an auto-increment key.
    pub fn is_zero_integer(&self) -> bool {
        matches!(self, Value::I16(0) | Value::I32(0) | Value::I64(0))
    }

    /// About how many bytes a driver's argument buffer takes for this value (its length
    /// prefix and contents; JSON and lists are guessed low): sizes the buffer before binding.
    pub(crate) fn encoded_size_hint(&self) -> usize {
        4 + match self {
            Value::Text(s) | Value::Unencodable(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::List(_, items) => items.len() * 8,
            _ => 8,
        }
    }
}

impl std::fmt::Display for Value {
    /// The debug form used in logs and `to_debug_sql`; never used to build executable SQL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null(_) => f.write_str("NULL"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::I16(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::Text(v) => write!(f, "{v:?}"),
            Value::Bytes(v) => write!(f, "<{} bytes>", v.len()),
            Value::DateTime(v) => write!(f, "{v:?}"),
            Value::NaiveDateTime(v) => write!(f, "{v:?}"),
            Value::Date(v) => write!(f, "{v:?}"),
            Value::Json(v) => write!(f, "{v}"),
            Value::Unencodable(why) => write!(f, "<unencodable: {why}>"),
            Value::List(_, items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}
