//! The crate's one error type. Owns the mapping from driver errors to structured variants; it
//! must not know how statements are built.

use crate::dialect::Dialect;

/// Boxed error source carried by decode and encode failures.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of constraint a database error violated, the same on every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A unique or primary-key constraint rejected a duplicate value.
    UniqueViolation,
    /// A foreign-key constraint rejected the row.
    ForeignKeyViolation,
    /// A NOT NULL column received NULL.
    NotNullViolation,
    /// A CHECK constraint rejected the row.
    CheckViolation,
    /// Any other error reported by the database.
    Other,
}

/// Every error this crate returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `get`, `one` or an update of a single row found no row.
    #[error("no row found in table `{table}`")]
    NotFound {
        /// The table that was queried.
        table: &'static str,
    },
    /// `one` found more than one row.
    #[error("more than one row found in table `{table}` where one was expected")]
    MultipleRows {
        /// The table that was queried.
        table: &'static str,
    },
    /// The database rejected a statement.
    #[error(
        "database error ({kind:?}{}{}): {message}{}",
        constraint.as_deref().map(|c| format!(", constraint `{c}`")).unwrap_or_default(),
        row.map(|r| format!(", input row {r}")).unwrap_or_default(),
        detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    Database {
        /// The kind of violation, the same on every backend.
        kind: ErrorKind,
        /// The violated constraint or index, when the backend names it.
        constraint: Option<String>,
        /// The backend's message.
        message: String,
        /// The backend's detail line, when it sends one (PostgreSQL's `Key (slug)=(a) already
        /// exists.`).
        detail: Option<String>,
        /// For a bulk operation (`bulk_create`, `bulk_update`, an upsert): the index in the
        /// input of the row the error is about, when the backend's error identifies it.
        row: Option<usize>,
    },
    /// A column's value could not be decoded into the Rust type asked for.
    #[error("cannot decode column `{column}`: {source}")]
    Decode {
        /// The column (name in the result set, or its index when unnamed).
        column: String,
        /// What went wrong, naming the Rust and the SQL types.
        source: BoxError,
    },
    /// A value could not be encoded for the database.
    #[error("cannot encode a value: {message}")]
    Encode {
        /// What went wrong.
        message: String,
    },
    /// The backend cannot express the requested feature.
    #[error("{feature} is not supported on {dialect}")]
    Unsupported {
        /// The backend.
        dialect: Dialect,
        /// What was asked for.
        feature: String,
    },
    /// A query was built in a way that cannot run (for example `update` after `limit`).
    #[error("invalid query: {message}")]
    InvalidQuery {
        /// What is wrong with the query.
        message: String,
    },
    /// The connection URL or one of its options is malformed or unknown.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, with any password removed.
        url: String,
        /// What is wrong, naming the scheme or option.
        reason: String,
    },
    /// The pool could not hand out a connection (timed out or closed).
    #[error("connection pool: {message}")]
    Pool {
        /// What happened.
        message: String,
    },
    /// The connection failed (I/O, TLS, protocol).
    #[error("connection: {message}")]
    Connection {
        /// What happened.
        message: String,
    },
    /// A JSON value could not be serialized or parsed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// The violation kind when this is a database error, `None` otherwise.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Database { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// For a database error from a bulk operation, the index in the input of the row the
    /// error is about, when the backend identified it; `None` otherwise.
    pub fn row(&self) -> Option<usize> {
        match self {
            Error::Database { row, .. } => *row,
            _ => None,
        }
    }

    pub(crate) fn decode(column: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Decode {
            column: column.into(),
            source: source.into(),
        }
    }

    pub(crate) fn invalid_query(message: impl Into<String>) -> Self {
        Error::InvalidQuery {
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(dialect: Dialect, feature: impl Into<String>) -> Self {
        Error::Unsupported {
            dialect,
            feature: feature.into(),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::Database(db) => {
                let kind = match db.kind() {
                    sqlx::error::ErrorKind::UniqueViolation => ErrorKind::UniqueViolation,
                    sqlx::error::ErrorKind::ForeignKeyViolation => ErrorKind::ForeignKeyViolation,
                    sqlx::error::ErrorKind::NotNullViolation => ErrorKind::NotNullViolation,
                    sqlx::error::ErrorKind::CheckViolation => ErrorKind::CheckViolation,
                    _ => ErrorKind::Other,
                };
                Error::Database {
                    kind,
                    constraint: db.constraint().map(str::to_owned),
                    message: db.message().to_owned(),
                    detail: detail(db.as_ref()),
                    row: None,
                }
            }
            sqlx::Error::ColumnDecode { index, source } => Error::Decode {
                column: index,
                source,
            },
            sqlx::Error::Decode(source) => Error::Decode {
                column: "?".into(),
                source,
            },
            sqlx::Error::Encode(source) => Error::Encode {
                message: source.to_string(),
            },
            sqlx::Error::PoolTimedOut => Error::Pool {
                message: "timed out waiting for a connection".into(),
            },
            sqlx::Error::PoolClosed => Error::Pool {
                message: "the pool is closed".into(),
            },
            sqlx::Error::Configuration(source) => Error::InvalidUrl {
                url: String::new(),
                reason: source.to_string(),
            },
            other => Error::Connection {
                message: other.to_string(),
            },
        }
    }
}

/// The detail line of a PostgreSQL error; the other backends put everything in the message.
fn detail(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    #[cfg(feature = "postgres")]
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return pg.detail().map(str::to_owned);
    }
    let _ = db;
    None
}
