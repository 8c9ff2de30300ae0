//! `ValuesQuery<M, S>`: a query that selects typed expressions (projections, grouped
//! annotations) instead of whole models, and can serve as an `IN (SELECT …)` subquery.

use std::future::Future;
use std::marker::PhantomData;

use futures_core::stream::BoxStream;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::exec::Executor;
use crate::expr::{InList, InListArg, IntoCondition, IntoOrder, Node};
use crate::model::Model;
use crate::query::{decode_selection, decode_stream, run_stream};
use crate::run::{self, Rows};
use crate::select::Selection;
use crate::stmt::Select;
use crate::value::Value;

/// Rows of typed values selected from model `M`, built by [`QuerySet::values`] or
/// [`QuerySet::annotate`](crate::QuerySet::annotate).
///
/// ```
/// # use orm::prelude::*;
/// # #[derive(Model)] #[orm(table = "posts")]
/// # struct Post { #[orm(primary_key)] id: i64, author_id: i64, views: i64 }
/// let (sql, _) = Post::query()
///     .group_by(|p| p.author_id)
///     .annotate(|p| (p.author_id, count(), sum(p.views)))
///     .having(|_| count().gt(2))
///     .order_by(|_| count().desc())
///     .to_sql(Dialect::Sqlite);
/// assert_eq!(
///     sql,
///     r#"SELECT "author_id", COUNT(*), SUM("views") FROM "posts" GROUP BY "author_id" HAVING (COUNT(*) > ?) ORDER BY COUNT(*) DESC"#
/// );
/// ```
///
/// [`QuerySet::values`]: crate::QuerySet::values
#[must_use = "a ValuesQuery does nothing until a terminal method runs it"]
pub struct ValuesQuery<M: Model, S: Selection> {
    select: Select,
    _types: PhantomData<fn() -> (M, S)>,
}

impl<M: Model, S: Selection> Clone for ValuesQuery<M, S> {
    fn clone(&self) -> Self {
        ValuesQuery::new(self.select.clone())
    }
}

impl<M: Model, S: Selection> std::fmt::Debug for ValuesQuery<M, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValuesQuery")
            .field("select", &self.select)
            .finish()
    }
}

impl<M: Model, S: Selection> ValuesQuery<M, S> {
    #[inline(always)]
    pub(crate) fn new(select: Select) -> Self {
        ValuesQuery {
            select,
            _types: PhantomData,
        }
    }

    /// `SELECT DISTINCT`: each combination of values once.
    #[inline(always)]
    pub fn distinct(mut self) -> Self {
        self.select.distinct = true;
        self
    }

    /// Keeps groups matching the condition (`HAVING`): `having(|_| count().gt(2))`.
    #[inline(always)]
    pub fn having<C: IntoCondition>(mut self, condition: impl FnOnce(&M::Columns) -> C) -> Self {
        let node = condition(M::columns()).into_condition().into_node();
        self.select.having = Some(match self.select.having.take() {
            None => node,
            Some(prev) => Node::And(Box::new(prev), Box::new(node)),
        });
        self
    }

    /// Adds ORDER BY keys, which may be aggregates: `order_by(|_| count().desc())`.
    #[inline(always)]
    pub fn order_by<O: IntoOrder>(mut self, keys: impl FnOnce(&M::Columns) -> O) -> Self {
        keys(M::columns()).push_into(&mut self.select.order);
        self
    }

    /// At most `n` rows.
    #[inline(always)]
    pub fn limit(mut self, n: u64) -> Self {
        self.select.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    #[inline(always)]
    pub fn offset(mut self, n: u64) -> Self {
        self.select.offset = Some(n);
        self
    }

    /// The SELECT this query runs.
    #[inline(always)]
    pub fn to_select(&self) -> Select {
        self.select.clone()
    }

    /// The SQL and parameters this query runs on `dialect`.
    #[inline(always)]
    pub fn to_sql(&self, dialect: Dialect) -> (String, Vec<Value>) {
        match self.select.render(dialect) {
            Ok(r) => (r.sql, r.params),
            Err(e) => (format!("/* {e} */"), Vec::new()),
        }
    }

    /// Every row, decoded into `S::Output`.
    #[inline(always)]
    pub fn all<E: Executor>(&self, exec: E) -> impl Future<Output = Result<Vec<S::Output>>> + Send {
        let sql = self.select.render(exec.dialect());
        let rows = Rows::limited_to(self.select.limit);
        run::all(exec, sql, rows, decode_selection::<S>)
    }

    /// The first row, if any.
    #[inline(always)]
    pub fn first<E: Executor>(
        &self,
        exec: E,
    ) -> impl Future<Output = Result<Option<S::Output>>> + Send {
        let mut select = self.select.clone();
        select.limit = Some(1);
        let sql = select.render(exec.dialect());
        run::first(
            run::fetch(exec, sql, Rows::AtMostOne),
            decode_selection::<S>,
        )
    }

    /// The rows as a stream, each decoded as it arrives.
    #[inline(always)]
    pub fn stream<'e, E: Executor + 'e>(&self, exec: E) -> BoxStream<'e, Result<S::Output>> {
        let sql = self.select.render(exec.dialect());
        decode_stream(run_stream(exec, sql), decode_selection::<S>)
    }
}

/// A one-column `ValuesQuery` is a subquery for `is_in` / `not_in`.
impl<M: Model, S: Selection<Output = T>, T> InList<T> for ValuesQuery<M, S> {
    #[inline(always)]
    fn into_in_list(self) -> InListArg {
        InListArg::Subquery(self.select)
    }
}
