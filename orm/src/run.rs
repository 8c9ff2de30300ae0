//! The cores of the terminal methods: running rendered statements and decoding their rows.
//!
//! Every `async` body here is generic over the executor (`&Db` or `&mut Tx`: two copies in a
//! program) and at most the decoded type, never over a model's query closures or statement
//! builders. The model-facing methods are thin shells that read what needs the model type
//! (`M::TABLE`, `M::COLUMNS`, `values()`, `from_row`), render through non-generic code and hand
//! over to a core here, so what rustc copies per model stays small (docs/performance.md,
//! "Compile time").
//!
//! Those shells, and the small generic functions here that they call, are `#[inline(always)]`.
//! rustc puts the copy of a generic function for one model into the codegen unit of the module
//! that defines the function (`orm::query`, `orm::expr`, …), one unit holding every model's
//! copy, so an edit to one model rebuilt all of them. An `#[inline(always)]` function is
//! copied into the unit of its caller instead, even in debug builds: the application's module
//! that uses the model. The trait impls over a model's rows are for `&[M]` and `&mut [M]` for
//! the same reason: a trait method's copy goes where its self type's does, and a slice's is its
//! element's.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::dialect::RenderedSql;
use crate::error::{Error, Result};
use crate::exec::{ExecResult, Executor, Row, RowSink};

/// How many rows a statement can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Any number.
    Any,
    /// At most one (a lookup by key, `LIMIT 1`, an aggregate without GROUP BY): the driver
    /// stops at the first row, which on SQLite saves a wake-up of its worker thread per
    /// statement.
    AtMostOne,
}

impl Rows {
    /// What a query with this LIMIT returns.
    pub(crate) fn limited_to(limit: Option<u64>) -> Self {
        if limit == Some(1) {
            Rows::AtMostOne
        } else {
            Rows::Any
        }
    }
}

/// Runs a rendered statement and collects its rows. A rendering error is returned when the
/// future is awaited, like any other error of the statement.
pub(crate) async fn fetch<E: Executor>(
    mut exec: E,
    sql: Result<RenderedSql>,
    rows: Rows,
) -> Result<Vec<Row>> {
    match rows {
        Rows::Any => exec.fetch_all_rows(sql?).await,
        Rows::AtMostOne => Ok(exec.fetch_optional_row(sql?).await?.into_iter().collect()),
    }
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

/// Decodes every row with `decode` and shapes the result; the `&str` names the table or
/// statement in errors.
type Finish<T, O> = fn(&[Row], fn(&Row) -> Result<T>, &'static str) -> Result<O>;

pin_project_lite::pin_project! {
    /// A future that awaits `rows` and then shapes them with `finish`: the only part of a
    /// terminal method that is copied per decoded type. A plain struct rather than an
    /// `async fn`, whose state machine is several times larger in unoptimized builds.
    pub(crate) struct Decoded<F, T, O> {
        #[pin]
        rows: F,
        decode: fn(&Row) -> Result<T>,
        finish: Finish<T, O>,
        // The table or statement `finish` names in its errors.
        context: &'static str,
    }
}

impl<F, T, O> Future for Decoded<F, T, O>
where
    F: Future<Output = Result<Vec<Row>>>,
{
    type Output = Result<O>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<O>> {
        let this = self.project();
        match this.rows.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(rows)) => Poll::Ready((this.finish)(&rows, *this.decode, this.context)),
        }
    }
}

#[inline(always)]
fn decoded<F, T, O>(
    rows: F,
    decode: fn(&Row) -> Result<T>,
    finish: Finish<T, O>,
    context: &'static str,
) -> Decoded<F, T, O> {
    Decoded {
        rows,
        decode,
        finish,
        context,
    }
}

/// Runs a rendered statement and hands its rows to `sink` as they arrive. A rendering error
/// is returned when the future is awaited.
pub(crate) async fn fetch_into<E: Executor>(
    mut exec: E,
    sql: Result<RenderedSql>,
    rows: Rows,
    sink: Box<dyn RowSink>,
) -> Result<Box<dyn RowSink>> {
    exec.fetch_into(sql?, rows == Rows::AtMostOne, sink).await
}

/// A [`RowSink`] that decodes each row with `decode` as it arrives. After the first row that
/// does not decode it keeps reading (the statement runs to its end, leaving the connection
/// ready) but decodes nothing more, and reports that row's error.
struct Collect<T> {
    decoded: Vec<T>,
    decode: fn(&Row) -> Result<T>,
    failed: Option<Error>,
}

impl<T: Send + 'static> RowSink for Collect<T> {
    fn push(&mut self, row: Row) {
        if self.failed.is_some() {
            return;
        }
        match (self.decode)(&row) {
            Ok(value) => self.decoded.push(value),
            Err(error) => self.failed = Some(error),
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any + Send> {
        self
    }
}

/// What a [`Collect`] sink of `T` collected.
fn collected<T: Send + 'static>(sink: Box<dyn RowSink>) -> Result<Vec<T>> {
    match sink.into_any().downcast::<Collect<T>>() {
        Ok(sink) => match sink.failed {
            Some(error) => Err(error),
            None => Ok(sink.decoded),
        },
        // `all` makes the sink and takes it back: this is not reached.
        Err(_) => Err(Error::invalid_query(
            "rows were collected for another type than the one asked for",
        )),
    }
}

pin_project_lite::pin_project! {
    /// A future that awaits a [`Collect`] sink's statement and returns what it decoded: the
    /// only part of `all` copied per decoded type, like [`Decoded`].
    pub(crate) struct Collected<F, T> {
        #[pin]
        rows: F,
        _type: PhantomData<fn() -> T>,
    }
}

impl<F, T> Future for Collected<F, T>
where
    F: Future<Output = Result<Box<dyn RowSink>>>,
    T: Send + 'static,
{
    type Output = Result<Vec<T>>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Vec<T>>> {
        match self.project().rows.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(sink)) => Poll::Ready(collected(sink)),
        }
    }
}

/// Every row of the statement, each decoded as it arrives (no row is kept once decoded).
#[inline(always)]
pub(crate) fn all<E: Executor, T: Send + 'static>(
    exec: E,
    sql: Result<RenderedSql>,
    rows: Rows,
    decode: fn(&Row) -> Result<T>,
) -> Collected<impl Future<Output = Result<Box<dyn RowSink>>>, T> {
    let sink = Box::new(Collect {
        decoded: Vec::new(),
        decode,
        failed: None,
    });
    Collected {
        rows: fetch_into(exec, sql, rows, sink),
        _type: PhantomData,
    }
}

/// The first row of `rows`, decoded, if any.
#[inline(always)]
pub(crate) fn first<T, F: Future<Output = Result<Vec<Row>>>>(
    rows: F,
    decode: fn(&Row) -> Result<T>,
) -> Decoded<F, T, Option<T>> {
    decoded(rows, decode, finish_first, "")
}

#[inline(always)]
fn finish_first<T>(
    rows: &[Row],
    decode: fn(&Row) -> Result<T>,
    _: &'static str,
) -> Result<Option<T>> {
    match rows.first() {
        Some(row) => Ok(Some(decode(row)?)),
        None => Ok(None),
    }
}

/// The first row of `rows`, decoded, or [`Error::NotFound`] naming `table`.
#[inline(always)]
pub(crate) fn found<T, F: Future<Output = Result<Vec<Row>>>>(
    rows: F,
    decode: fn(&Row) -> Result<T>,
    table: &'static str,
) -> Decoded<F, T, T> {
    decoded(rows, decode, finish_found, table)
}

#[inline(always)]
fn finish_found<T>(rows: &[Row], decode: fn(&Row) -> Result<T>, table: &'static str) -> Result<T> {
    match rows.first() {
        Some(row) => decode(row),
        None => Err(Error::NotFound { table }),
    }
}

/// The only row of `rows`, decoded: [`Error::NotFound`] if there is none,
/// [`Error::MultipleRows`] if there are several.
#[inline(always)]
pub(crate) fn one<T, F: Future<Output = Result<Vec<Row>>>>(
    rows: F,
    decode: fn(&Row) -> Result<T>,
    table: &'static str,
) -> Decoded<F, T, T> {
    decoded(rows, decode, finish_one, table)
}

#[inline(always)]
fn finish_one<T>(rows: &[Row], decode: fn(&Row) -> Result<T>, table: &'static str) -> Result<T> {
    match rows {
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
#[inline(always)]
pub(crate) fn single<T, F: Future<Output = Result<Vec<Row>>>>(
    rows: F,
    decode: fn(&Row) -> Result<T>,
    what: &'static str,
) -> Decoded<F, T, T> {
    decoded(rows, decode, finish_single, what)
}

#[inline(always)]
fn finish_single<T>(rows: &[Row], decode: fn(&Row) -> Result<T>, what: &'static str) -> Result<T> {
    match rows.first() {
        Some(row) => decode(row),
        None => Err(Error::invalid_query(format!("{what} returned no row"))),
    }
}
