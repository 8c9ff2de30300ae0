//! The statement runner shared by the three backends: binds values, runs through sqlx, wraps
//! rows and emits the `tracing` event. What differs per backend is behind [`Backend`].

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_core::stream::{BoxStream, Stream};
use futures_util::TryStreamExt;
use sqlx::{Arguments as _, AssertSqlSafe};

use super::handover::HandOver;
use super::{ExecResult, Row, RowSink};
use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, Result};
use crate::value::Value;

type Query<DB> = sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>;

/// A statement's arguments, as one backend's sqlx driver holds them.
pub(super) type Args<DB> = <DB as sqlx::Database>::Arguments;

/// What one backend adds to the shared runner: how a [`Value`] is bound and how results are
/// wrapped. Implemented in `sqlite.rs`, `postgres.rs`, `mysql.rs`.
pub(crate) trait Backend: sqlx::Database
where
    <Self as sqlx::Database>::Arguments: sqlx::IntoArguments<Self>,
{
    /// Appends `value` to `args` (an [`Error::Encode`] if the driver cannot encode it).
    fn bind_value(args: &mut Args<Self>, value: Value) -> Result<()>;
    fn wrap_row(row: Self::Row) -> Row;
    fn exec_result(result: &Self::QueryResult) -> ExecResult;
    /// Whether sqlx runs this backend's statements on a thread of its own (SQLite), which a
    /// [`HandOver`] lets run first.
    const WORKER_THREAD: bool = false;
}

/// `Arguments::add` with the driver's encode error as [`Error::Encode`] naming the argument.
pub(super) trait Put: sqlx::Arguments {
    fn put<'t, T>(&mut self, value: T) -> Result<()>
    where
        T: sqlx::Encode<'t, Self::Database> + sqlx::Type<Self::Database>,
    {
        let number = self.len() + 1;
        self.add(value).map_err(|e| Error::Encode {
            message: format!("argument ${number}: {e}"),
        })
    }
}

impl<A: sqlx::Arguments> Put for A {}

/// `params` bound into one argument buffer, sized for them up front: no move of a query per
/// value, no regrowth for a statement of thousands of values.
fn bind_all<DB: Backend>(params: Vec<Value>) -> Result<Args<DB>>
where
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let mut args = Args::<DB>::default();
    let bytes = params.iter().map(Value::encoded_size_hint).sum();
    args.reserve(params.len(), bytes);
    for value in params {
        DB::bind_value(&mut args, value)?;
    }
    Ok(args)
}

/// The query of `sql` with `params` bound.
fn build<DB: Backend>(sql: &Arc<str>, params: Vec<Value>) -> Result<Query<DB>>
where
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let args = bind_all::<DB>(params)?;
    Ok(sqlx::query_with(AssertSqlSafe(Arc::clone(sql)), args))
}

/// A statement whose values are already bound into its backend's argument buffer, made
/// apart from running it: a bulk operation binds its next chunk while the previous one runs.
pub(crate) struct Bound {
    pub(super) sql: Arc<str>,
    pub(super) args: BoundArgs,
}

/// The argument buffer of a [`Bound`] statement, per backend.
pub(super) enum BoundArgs {
    #[cfg(feature = "sqlite")]
    Sqlite(Args<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(Args<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    Mysql(Args<sqlx::MySql>),
}

impl Bound {
    /// Binds `rendered`'s values for `dialect`'s backend.
    pub(crate) fn new(dialect: Dialect, rendered: RenderedSql) -> Result<Bound> {
        let params = rendered.params;
        let args = match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => BoundArgs::Sqlite(bind_all::<sqlx::Sqlite>(params)?),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => BoundArgs::Postgres(bind_all::<sqlx::Postgres>(params)?),
            #[cfg(feature = "mysql")]
            Dialect::Mysql => BoundArgs::Mysql(bind_all::<sqlx::MySql>(params)?),
            #[allow(unreachable_patterns)]
            other => return Err(not_compiled_in(other)),
        };
        Ok(Bound {
            sql: Arc::from(rendered.sql),
            args,
        })
    }
}

/// The error for a statement of a backend this build has no driver for.
pub(super) fn not_compiled_in(dialect: Dialect) -> Error {
    Error::invalid_query(format!(
        "a {dialect} statement, but this build of orm has no {dialect} driver"
    ))
}

fn log(sql: &str, started: Instant, rows: u64, ok: bool) {
    tracing::debug!(
        target: "orm::sql",
        sql,
        elapsed_us = started.elapsed().as_micros() as u64,
        rows,
        ok,
        "statement"
    );
}

/// Emits the statement's event (`rows` counts what it returned or changed) and turns the
/// driver's error into the crate's.
fn logged<T>(
    sql: &str,
    started: Instant,
    outcome: sqlx::Result<T>,
    rows: impl FnOnce(&T) -> u64,
) -> Result<T> {
    match outcome {
        Ok(value) => {
            log(sql, started, rows(&value), true);
            Ok(value)
        }
        Err(e) => {
            log(sql, started, 0, false);
            Err(Error::from(e))
        }
    }
}

pub(crate) async fn fetch_all<'c, DB, X>(executor: X, rendered: RenderedSql) -> Result<Vec<Row>>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    let query = build::<DB>(&sql, rendered.params)?;
    // Rows are wrapped as they arrive, into the one Vec returned: sqlx's own `fetch_all`
    // would collect its rows first, and wrapping them after was a second pass over them.
    let rows = query
        .fetch(executor)
        .map_ok(DB::wrap_row)
        .try_collect::<Vec<Row>>();
    let outcome = HandOver::new(rows, DB::WORKER_THREAD).await;
    logged(&sql, started, outcome, |rows| rows.len() as u64)
}

/// Runs a statement and hands each row to `sink` as it arrives; with `at_most_one` the driver
/// stops at the first row (see `fetch_optional`). On PostgreSQL and MySQL no row is kept here:
/// the sink decodes it and drops it before the next is read. On SQLite the rows are collected
/// first (see below).
pub(crate) async fn fetch_into<'c, DB, X>(
    executor: X,
    rendered: RenderedSql,
    at_most_one: bool,
    mut sink: Box<dyn RowSink>,
) -> Result<Box<dyn RowSink>>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    if at_most_one {
        if let Some(row) = fetch_optional::<DB, X>(executor, rendered).await? {
            sink.push(row);
        }
        return Ok(sink);
    }
    if DB::WORKER_THREAD {
        // sqlx's SQLite worker sends rows through a bounded queue. A reader that decodes each
        // row before taking the next falls behind the worker, which then waits for room and
        // is woken once per row: fetching 10,000 rows took 1.5x as long. Rows are taken as
        // fast as they come and decoded after.
        for row in fetch_all::<DB, X>(executor, rendered).await? {
            sink.push(row);
        }
        return Ok(sink);
    }
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    let query = build::<DB>(&sql, rendered.params)?;
    let mut count = 0u64;
    let read = async {
        let mut rows = query.fetch(executor);
        while let Some(row) = rows.try_next().await? {
            sink.push(DB::wrap_row(row));
            count += 1;
        }
        Ok::<(), sqlx::Error>(())
    };
    let outcome = HandOver::new(read, DB::WORKER_THREAD).await;
    logged(&sql, started, outcome, |()| count)?;
    Ok(sink)
}

/// Runs a statement that returns at most one row. Unlike `fetch_all`, the driver stops at the
/// first row: on SQLite the worker thread sends one message instead of a row and then the
/// statement's end, a thread wake-up less per statement.
pub(crate) async fn fetch_optional<'c, DB, X>(
    executor: X,
    rendered: RenderedSql,
) -> Result<Option<Row>>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    let query = build::<DB>(&sql, rendered.params)?;
    let outcome = HandOver::new(query.fetch_optional(executor), DB::WORKER_THREAD).await;
    let row = logged(&sql, started, outcome, |row| u64::from(row.is_some()))?;
    Ok(row.map(DB::wrap_row))
}

pub(crate) async fn execute<'c, DB, X>(executor: X, rendered: RenderedSql) -> Result<ExecResult>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let args = bind_all::<DB>(rendered.params)?;
    execute_args(executor, Arc::from(rendered.sql), args).await
}

/// Runs `sql` with arguments already bound (a [`Bound`] statement's).
pub(super) async fn execute_args<'c, DB, X>(
    executor: X,
    sql: Arc<str>,
    args: Args<DB>,
) -> Result<ExecResult>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let query = sqlx::query_with(AssertSqlSafe(Arc::clone(&sql)), args);
    let outcome = HandOver::new(query.execute(executor), DB::WORKER_THREAD).await;
    let outcome = outcome.map(|done| DB::exec_result(&done));
    logged(&sql, started, outcome, |result| result.rows_affected)
}

pub(crate) fn fetch<'e, 'c: 'e, DB, X>(
    executor: X,
    rendered: RenderedSql,
) -> BoxStream<'e, Result<Row>>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB> + 'e,
{
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    match build::<DB>(&sql, rendered.params) {
        Ok(query) => {
            let rows = query
                .fetch(executor)
                .map_ok(DB::wrap_row)
                .map_err(Error::from);
            Box::pin(LoggedStream {
                inner: Box::pin(rows),
                sql,
                started,
                rows: 0,
                done: false,
            })
        }
        Err(e) => Box::pin(futures_util::stream::once(async move { Err(e) })),
    }
}

/// Passes rows through and emits the statement's event when the stream ends.
struct LoggedStream<'e> {
    inner: BoxStream<'e, Result<Row>>,
    sql: Arc<str>,
    started: Instant,
    rows: u64,
    done: bool,
}

impl Stream for LoggedStream<'_> {
    type Item = Result<Row>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(_))) => self.rows += 1,
            Poll::Ready(Some(Err(_))) | Poll::Ready(None) if !self.done => {
                self.done = true;
                let ok = matches!(polled, Poll::Ready(None));
                log(&self.sql, self.started, self.rows, ok);
            }
            _ => {}
        }
        polled
    }
}
