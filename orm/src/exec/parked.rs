//! A sqlx pool with a stash of connections kept checked out between statements.
//!
//! sqlx 0.9 pings every connection it gets back (`PoolConnection`'s drop spawns
//! `return_to_pool`, which sends a ping before the connection is idle again): one extra round
//! trip, and a task, per statement. A statement run on a [`Db`](super::Db) instead takes a
//! connection from the stash (or from the pool when the stash is empty) and puts it back when
//! the statement completed, so the connection never goes back to sqlx between statements.
//!
//! A connection goes back to sqlx the usual way (pinged, or closed if broken) when its
//! statement was cancelled, failed for another reason than the database refusing it, or when
//! something needs the pool itself: a row stream, closing the pool. Transactions start on a
//! stashed connection too, so stashed connections never leave a transaction waiting, and a
//! transaction that commits or rolls back puts its connection back in the stash
//! ([`TxConn`]), where `sqlx::Transaction` would hand it to the pool and its ping.

use std::sync::{Arc, Mutex};

use sqlx::pool::PoolConnection;
use sqlx_core::transaction::TransactionManager as _;

use super::driver::{self, Backend};
use super::{ExecResult, Row, RowSink};
use crate::dialect::RenderedSql;
use crate::error::{Error, Result};

/// A sqlx pool and its stash; clones share both.
pub(crate) struct Conns<DB: sqlx::Database> {
    pub(crate) pool: sqlx::Pool<DB>,
    stash: Arc<Stash<DB>>,
}

impl<DB: sqlx::Database> Clone for Conns<DB> {
    fn clone(&self) -> Self {
        Conns {
            pool: self.pool.clone(),
            stash: Arc::clone(&self.stash),
        }
    }
}

impl<DB: sqlx::Database> std::fmt::Debug for Conns<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conns")
            .field("pool", &self.pool)
            .field("stashed", &self.stash.lock().len())
            .finish()
    }
}

/// The connections checked out of the pool and idle.
struct Stash<DB: sqlx::Database>(Mutex<Vec<PoolConnection<DB>>>);

impl<DB: sqlx::Database> Stash<DB> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PoolConnection<DB>>> {
        // A panic while holding the lock cannot leave the Vec half-changed.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<DB: sqlx::Database> Drop for Stash<DB> {
    fn drop(&mut self) {
        let conns = std::mem::take(&mut *self.lock());
        // Giving a connection back to sqlx spawns a task; without a runtime (the last `Db`
        // dropped after it shut down) the connections are closed where they are instead.
        if tokio::runtime::Handle::try_current().is_err() {
            for conn in conns {
                drop(conn.detach());
            }
        }
    }
}

impl<DB: sqlx::Database> Conns<DB> {
    pub(crate) fn new(pool: sqlx::Pool<DB>) -> Self {
        Conns {
            pool,
            stash: Arc::new(Stash(Mutex::new(Vec::new()))),
        }
    }

    /// A stashed connection, or one from the pool.
    async fn take(&self) -> Result<PoolConnection<DB>> {
        let stashed = self.stash.lock().pop();
        match stashed {
            Some(conn) => Ok(conn),
            // sqlx's acquire future is a few kilobytes. Boxed, it is allocated only when the
            // stash is empty; inline, it would make every statement's future (boxed by
            // `Executor`) that large, a large allocation and copy per statement.
            None => Ok(Box::pin(self.pool.acquire()).await?),
        }
    }

    /// Stashes `conn` after a statement that completed, or refused by the database (the
    /// connection is fine); otherwise lets sqlx check it.
    fn settle<T>(&self, conn: PoolConnection<DB>, outcome: &Result<T>) {
        if matches!(outcome, Ok(_) | Err(Error::Database { .. })) {
            self.stash.lock().push(conn);
        }
    }

    /// Gives every stashed connection back to sqlx, for what takes connections from the pool
    /// itself.
    pub(crate) fn unstash(&self) {
        drop(std::mem::take(&mut *self.stash.lock()));
    }

    /// Starts a transaction on a stashed connection, or one from the pool.
    pub(crate) async fn begin(&self) -> Result<TxConn<'static, DB>> {
        let mut conn = self.take().await?;
        // If BEGIN fails the connection goes back to sqlx, which checks it.
        DB::TransactionManager::begin(&mut *conn, None).await?;
        Ok(TxConn::Pooled(PooledTx {
            conn: Some(conn),
            home: self.clone(),
        }))
    }

    /// Closes the pool, after giving the stashed connections back.
    pub(crate) async fn close(&self) {
        self.unstash();
        self.pool.close().await;
    }
}

impl<DB> Conns<DB>
where
    DB: Backend,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    pub(crate) async fn fetch_all(&self, sql: RenderedSql) -> Result<Vec<Row>> {
        let mut conn = self.take().await?;
        let outcome = driver::fetch_all(&mut *conn, sql).await;
        self.settle(conn, &outcome);
        outcome
    }

    pub(crate) async fn fetch_into(
        &self,
        sql: RenderedSql,
        at_most_one: bool,
        sink: Box<dyn RowSink>,
    ) -> Result<Box<dyn RowSink>> {
        let mut conn = self.take().await?;
        let outcome = driver::fetch_into(&mut *conn, sql, at_most_one, sink).await;
        self.settle(conn, &outcome);
        outcome
    }

    pub(crate) async fn fetch_optional(&self, sql: RenderedSql) -> Result<Option<Row>> {
        let mut conn = self.take().await?;
        let outcome = driver::fetch_optional(&mut *conn, sql).await;
        self.settle(conn, &outcome);
        outcome
    }

    pub(crate) async fn execute(&self, sql: RenderedSql) -> Result<ExecResult> {
        let mut conn = self.take().await?;
        let outcome = driver::execute(&mut *conn, sql).await;
        self.settle(conn, &outcome);
        outcome
    }

    /// Runs `first`, then (if it succeeded) `second`, on one connection, outside a
    /// transaction.
    pub(crate) async fn fetch_then_execute(
        &self,
        first: RenderedSql,
        second: RenderedSql,
    ) -> Result<(Vec<Row>, ExecResult)> {
        let mut conn = self.take().await?;
        let outcome = async {
            let rows = driver::fetch_all(&mut *conn, first).await?;
            let done = driver::execute(&mut *conn, second).await?;
            Ok((rows, done))
        }
        .await;
        self.settle(conn, &outcome);
        outcome
    }
}

/// The connection of a [`Tx`](super::Tx): a transaction owning a pool connection, or a
/// savepoint borrowing its parent's.
#[derive(Debug)]
pub(crate) enum TxConn<'c, DB: sqlx::Database> {
    Pooled(PooledTx<DB>),
    Nested(sqlx::Transaction<'c, DB>),
}

/// A transaction on a connection taken from [`Conns`], stashed again once it has committed or
/// rolled back. Dropped while still open, it queues a ROLLBACK (as `sqlx::Transaction` does)
/// and gives the connection to sqlx, whose check on return runs the ROLLBACK.
#[derive(Debug)]
pub(crate) struct PooledTx<DB: sqlx::Database> {
    /// `Some` while the transaction is open.
    conn: Option<PoolConnection<DB>>,
    home: Conns<DB>,
}

impl<DB: sqlx::Database> PooledTx<DB> {
    /// Ends the transaction by `end` (COMMIT or ROLLBACK); the connection is stashed when it
    /// succeeded, and rolled back by `Drop` otherwise.
    async fn finish<F>(mut self, end: F) -> Result<()>
    where
        F: for<'a> FnOnce(
            &'a mut DB::Connection,
        ) -> futures_core::future::BoxFuture<'a, sqlx::Result<()>>,
    {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(());
        };
        end(&mut **conn).await?;
        if let Some(conn) = self.conn.take() {
            self.home.stash.lock().push(conn);
        }
        Ok(())
    }
}

impl<DB: sqlx::Database> Drop for PooledTx<DB> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            DB::TransactionManager::start_rollback(&mut conn);
        }
    }
}

impl<DB: sqlx::Database> TxConn<'_, DB> {
    /// Commits the transaction or releases the savepoint.
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            TxConn::Pooled(tx) => {
                tx.finish(|conn| Box::pin(DB::TransactionManager::commit(conn)))
                    .await
            }
            TxConn::Nested(tx) => Ok(tx.commit().await?),
        }
    }

    /// Rolls the transaction or savepoint back.
    pub(crate) async fn rollback(self) -> Result<()> {
        match self {
            TxConn::Pooled(tx) => {
                tx.finish(|conn| Box::pin(DB::TransactionManager::rollback(conn)))
                    .await
            }
            TxConn::Nested(tx) => Ok(tx.rollback().await?),
        }
    }
}

impl<DB: sqlx::Database> std::ops::Deref for TxConn<'_, DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        match self {
            TxConn::Pooled(tx) => match &tx.conn {
                Some(conn) => conn,
                None => unreachable!("an open transaction has its connection"),
            },
            TxConn::Nested(tx) => tx,
        }
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for TxConn<'_, DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            TxConn::Pooled(tx) => match &mut tx.conn {
                Some(conn) => conn,
                None => unreachable!("an open transaction has its connection"),
            },
            TxConn::Nested(tx) => tx,
        }
    }
}
