//! The cores of the terminal methods: running rendered statements and decoding their rows.
//!
//! Every `async` body here is generic over the executor (`&Db` or `&mut Tx`: two copies in a
//! program) and at most the decoded type, never over a model's query closures or statement
//! builders. The model-facing methods are thin shells that read what needs the model type
//! (`M::TABLE`, `M::COLUMNS`, `values()`, `from_row`), render through non-generic code and hand
//! over to a core here, so what rustc copies per model stays small (docs/performance.md,
//! "Compile time").

use std::future::Future;

use crate::dialect::RenderedSql;
use crate::error::{Error, Result};
use crate::exec::{ExecResult, Executor, Row};

/// Runs a rendered statement and collects its rows. A rendering error is returned when the
/// future is awaited, like any other error of the statement.
pub(crate) async fn fetch<E: Executor>(mut exec: E, sql: Result<RenderedSql>) -> Result<Vec<Row>> {
    exec.fetch_all_rows(sql?).await
}

/// Runs a rendered statement that returns no rows.
pub(crate) async fn execute<E: Executor>(
    mut exec: E,
    sql: Result<RenderedSql>,
) -> Result<ExecResult> {
    exec.execute_sql(sql?).await
}

/// Runs a rendered statement and returns the number of rows it affected.
pub(crate) async fn rows_affected<E: Executor>(exec: E, sql: Result<RenderedSql>) -> Result<u64> {
    Ok(execute(exec, sql).await?.rows_affected)
}

/// Decodes every row with `decode`. A plain loop: an iterator chain here would be copied per
/// decoded type with all its adapters.
pub(crate) fn decode_all<T>(rows: &[Row], decode: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(decode(row)?);
    }
    Ok(out)
}

/// Every row of `rows`, decoded.
pub(crate) async fn all<T>(
    rows: impl Future<Output = Result<Vec<Row>>>,
    decode: fn(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    decode_all(&rows.await?, decode)
}

/// The first row of `rows`, decoded, if any.
pub(crate) async fn first<T>(
    rows: impl Future<Output = Result<Vec<Row>>>,
    decode: fn(&Row) -> Result<T>,
) -> Result<Option<T>> {
    match rows.await?.first() {
        Some(row) => Ok(Some(decode(row)?)),
        None => Ok(None),
    }
}

/// The first row of `rows`, decoded, or [`Error::NotFound`] naming `table`.
pub(crate) async fn found<T>(
    rows: impl Future<Output = Result<Vec<Row>>>,
    decode: fn(&Row) -> Result<T>,
    table: &'static str,
) -> Result<T> {
    match rows.await?.first() {
        Some(row) => decode(row),
        None => Err(Error::NotFound { table }),
    }
}

/// The only row of `rows`, decoded: [`Error::NotFound`] if there is none,
/// [`Error::MultipleRows`] if there are several.
pub(crate) async fn one<T>(
    rows: impl Future<Output = Result<Vec<Row>>>,
    decode: fn(&Row) -> Result<T>,
    table: &'static str,
) -> Result<T> {
    match rows.await?.as_slice() {
        [row] => decode(row),
        [] => Err(Error::NotFound { table }),
        several => {
            // A row that does not decode is reported before there being several.
            for row in several {
                decode(row)?;
            }
            Err(Error::MultipleRows { table })
        }
    }
}

/// The first row of `rows`, decoded, or an [`Error::InvalidQuery`] saying that `what` returned
/// no row (aggregates and counts always return one).
pub(crate) async fn single<T>(
    rows: impl Future<Output = Result<Vec<Row>>>,
    decode: fn(&Row) -> Result<T>,
    what: &'static str,
) -> Result<T> {
    match rows.await?.first() {
        Some(row) => decode(row),
        None => Err(Error::invalid_query(format!("{what} returned no row"))),
    }
}
