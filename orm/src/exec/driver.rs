//! The statement runner shared by the three backends: binds values, runs through sqlx, wraps
//! rows and emits the `tracing` event. What differs per backend is behind [`Backend`].

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_core::stream::{BoxStream, Stream};
use futures_util::TryStreamExt;
use sqlx::AssertSqlSafe;

use super::{ExecResult, Row};
use crate::dialect::RenderedSql;
use crate::error::{Error, Result};
use crate::value::Value;

type Query<DB> = sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>;

/// What one backend adds to the shared runner: how a [`Value`] is bound and how results are
/// wrapped. Implemented in `sqlite.rs`, `postgres.rs`, `mysql.rs`.
pub(crate) trait Backend: sqlx::Database
where
    <Self as sqlx::Database>::Arguments: sqlx::IntoArguments<Self>,
{
    fn bind_value(query: Query<Self>, value: Value) -> Result<Query<Self>>;
    fn wrap_row(row: Self::Row) -> Row;
    fn exec_result(result: &Self::QueryResult) -> ExecResult;
}

fn build<DB: Backend>(sql: &Arc<str>, params: Vec<Value>) -> Result<Query<DB>>
where
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let mut query = sqlx::query::<DB>(AssertSqlSafe(Arc::clone(sql)));
    for value in params {
        if let Value::Unencodable(why) = value {
            return Err(Error::Encode { message: why });
        }
        query = DB::bind_value(query, value)?;
    }
    Ok(query)
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

pub(crate) async fn fetch_all<'c, DB, X>(executor: X, rendered: RenderedSql) -> Result<Vec<Row>>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    let query = build::<DB>(&sql, rendered.params)?;
    let result = query.fetch_all(executor).await;
    match result {
        Ok(rows) => {
            log(&sql, started, rows.len() as u64, true);
            Ok(rows.into_iter().map(DB::wrap_row).collect())
        }
        Err(e) => {
            log(&sql, started, 0, false);
            Err(Error::from(e))
        }
    }
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
    match query.fetch_optional(executor).await {
        Ok(row) => {
            log(&sql, started, u64::from(row.is_some()), true);
            Ok(row.map(DB::wrap_row))
        }
        Err(e) => {
            log(&sql, started, 0, false);
            Err(Error::from(e))
        }
    }
}

pub(crate) async fn execute<'c, DB, X>(executor: X, rendered: RenderedSql) -> Result<ExecResult>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    X: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let sql: Arc<str> = Arc::from(rendered.sql);
    let query = build::<DB>(&sql, rendered.params)?;
    match query.execute(executor).await {
        Ok(done) => {
            let result = DB::exec_result(&done);
            log(&sql, started, result.rows_affected, true);
            Ok(result)
        }
        Err(e) => {
            log(&sql, started, 0, false);
            Err(Error::from(e))
        }
    }
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
