//! `QuerySet<M>`: a lazy, chainable query over one model. Builders only change data; terminal
//! methods render through the executor's dialect and run.
//!
//! Every method of [`QuerySet`] is `#[inline(always)]`: its copy for a model is then compiled
//! with the application code that calls it, not into a codegen unit shared by every model
//! (see `run.rs`).

use std::future::Future;
use std::marker::PhantomData;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;

use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, Result};
use crate::exec::{Executor, Row};
use crate::expr::{Assignment, Column, IntoAssignments, IntoCondition, IntoOrder, Node, Order};
use crate::model::{Model, TableDef, live, soft_delete_column_of, soft_delete_now};
use crate::run::{self, Rows};
use crate::search::{SearchPart, WithExtra, search_node};
use crate::select::Selection;
use crate::stmt::{Delete, Select, Source, Update};
use crate::value::Value;
use crate::values::ValuesQuery;

/// A lazy query over the rows of model `M`: nothing runs until a terminal method (`all`,
/// `first`, `one`, `count`, `exists`, `stream`, `update`, `delete`, `explain`).
///
/// ```
/// # use orm::prelude::*;
/// # #[derive(Model, Debug)]
/// # #[orm(table = "posts")]
/// # struct Post { #[orm(primary_key)] id: i64, title: String, views: i64, published: bool }
/// let (sql, params) = Post::query()
///     .filter(|p| p.published.eq(true) & p.views.gt(100))
///     .order_by(|p| p.views.desc())
///     .limit(10)
///     .to_sql(Dialect::Postgres);
/// assert_eq!(
///     sql,
///     r#"SELECT "id", "title", "views", "published" FROM "posts" WHERE (("published" = $1) AND ("views" > $2)) ORDER BY "views" DESC LIMIT $3"#
/// );
/// assert_eq!(params, vec![Value::Bool(true), Value::I64(100), Value::I64(10)]);
/// ```
#[must_use = "a QuerySet does nothing until a terminal method runs it"]
pub struct QuerySet<M: Model> {
    query: Query,
    _model: PhantomData<fn() -> M>,
}

/// The state of a [`QuerySet`], which has no model type in it: the code that turns it into
/// statements is compiled once, not once per model.
#[derive(Clone)]
struct Query {
    filter: Option<Node>,
    scope: Scope,
    search: Option<String>,
    group_by: Vec<Node>,
    order: Vec<Order>,
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
}

impl<M: Model> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            query: self.query.clone(),
            _model: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.query.debug(M::TABLE, f)
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// The table of `M`, evaluated while compiling: no code per model (see [`TableDef::of`]).
    const TABLE_DEF: TableDef = TableDef::of::<M>();

    /// Every row of the table.
    #[inline(always)]
    pub fn new() -> Self {
        QuerySet {
            query: Query::new(),
            _model: PhantomData,
        }
    }

    /// Keeps rows matching a full-text query, on the model's `fts(…)` columns. One syntax on
    /// every backend: words (all required), `"phrases"`, `-excluded`, `prefix*`, `OR`. Any
    /// string is safe: it never causes a syntax error and never injects an operator. Combines
    /// with every other filter and the soft-delete scope.
    #[inline(always)]
    pub fn search(mut self, query: &str) -> Self {
        self.query.search(Self::TABLE_DEF, query);
        self
    }

    /// Orders by relevance to the `search` query, best first.
    #[inline(always)]
    pub fn order_by_rank(mut self) -> Self {
        self.query.order_by_rank(Self::TABLE_DEF);
        self
    }

    /// Each row with its relevance to the `search` query as `f64`, higher is better on every
    /// backend (the scales differ: bm25, ts_rank, MySQL's score).
    #[inline(always)]
    pub fn with_rank(self) -> WithExtra<M, f64> {
        let node = self
            .query
            .search_part(Self::TABLE_DEF, "with_rank", SearchPart::Rank);
        WithExtra::new(self, node)
    }

    /// Each row with the text of `column` where the `search` matches are wrapped in `start` and
    /// `end` (SQLite, PostgreSQL; [`Error::Unsupported`] on MySQL).
    #[inline(always)]
    pub fn highlight<T>(
        self,
        column: impl FnOnce(&M::Columns) -> Column<M, T>,
        start: &str,
        end: &str,
    ) -> WithExtra<M, Option<String>> {
        let part = SearchPart::Highlight {
            column: column(M::columns()).name(),
            start: start.to_owned(),
            end: end.to_owned(),
        };
        let node = self.query.search_part(Self::TABLE_DEF, "highlight", part);
        WithExtra::new(self, node)
    }

    /// Each row with a short extract of `column` around the `search` matches, about `words`
    /// words long, matches wrapped in `start`/`end` (SQLite, PostgreSQL; [`Error::Unsupported`]
    /// on MySQL).
    #[inline(always)]
    pub fn snippet<T>(
        self,
        column: impl FnOnce(&M::Columns) -> Column<M, T>,
        start: &str,
        end: &str,
        words: u32,
    ) -> WithExtra<M, Option<String>> {
        let part = SearchPart::Snippet {
            column: column(M::columns()).name(),
            start: start.to_owned(),
            end: end.to_owned(),
            words,
        };
        let node = self.query.search_part(Self::TABLE_DEF, "snippet", part);
        WithExtra::new(self, node)
    }

    /// Also returns soft-deleted rows.
    #[inline(always)]
    pub fn with_deleted(mut self) -> Self {
        self.query.scope = Scope::WithDeleted;
        self
    }

    /// Returns only soft-deleted rows.
    #[inline(always)]
    pub fn only_deleted(mut self) -> Self {
        self.query.scope = Scope::OnlyDeleted;
        self
    }

    /// Keeps rows matching the condition; several filters are ANDed.
    #[inline(always)]
    pub fn filter<C: IntoCondition>(self, condition: impl FnOnce(&M::Columns) -> C) -> Self {
        let node = condition(M::columns()).into_condition().into_node();
        self.and(node)
    }

    /// Drops rows matching the condition (`AND NOT (…)`).
    #[inline(always)]
    pub fn exclude<C: IntoCondition>(self, condition: impl FnOnce(&M::Columns) -> C) -> Self {
        let node = condition(M::columns()).into_condition().into_node();
        self.and(Node::Not(Box::new(node)))
    }

    #[inline(always)]
    fn and(mut self, condition: Node) -> Self {
        self.query.and(condition);
        self
    }

    /// Adds ORDER BY keys: `|p| p.created_at.desc()`, `|p| (p.author_id, p.views.desc())`.
    #[inline(always)]
    pub fn order_by<O: IntoOrder>(mut self, keys: impl FnOnce(&M::Columns) -> O) -> Self {
        keys(M::columns()).push_into(&mut self.query.order);
        self
    }

    /// At most `n` rows.
    #[inline(always)]
    pub fn limit(mut self, n: u64) -> Self {
        self.query.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    #[inline(always)]
    pub fn offset(mut self, n: u64) -> Self {
        self.query.offset = Some(n);
        self
    }

    /// `SELECT DISTINCT`.
    #[inline(always)]
    pub fn distinct(mut self) -> Self {
        self.query.distinct = true;
        self
    }

    /// Groups rows by one or several columns, for [`QuerySet::annotate`]:
    /// `group_by(|p| p.author_id)` or `group_by(|p| (p.author_id, p.published))`.
    #[inline(always)]
    pub fn group_by<S: Selection>(mut self, keys: impl FnOnce(&M::Columns) -> S) -> Self {
        keys(M::columns()).push_nodes(&mut self.query.group_by);
        self
    }

    /// Selects typed expressions instead of whole models: `values(|p| (p.id, p.title))`
    /// yields `(i64, String)` tuples.
    #[inline(always)]
    pub fn values<S: Selection>(
        &self,
        selection: impl FnOnce(&M::Columns) -> S,
    ) -> ValuesQuery<M, S> {
        let mut columns = Vec::with_capacity(S::WIDTH);
        selection(M::columns()).push_nodes(&mut columns);
        ValuesQuery::new(self.query.values_select(Self::TABLE_DEF, columns))
    }

    /// Per-group values after [`QuerySet::group_by`]: `annotate(|p| (p.author_id, count()))`.
    /// The same as [`QuerySet::values`]; the name says the selection holds aggregates.
    #[inline(always)]
    pub fn annotate<S: Selection>(
        &self,
        selection: impl FnOnce(&M::Columns) -> S,
    ) -> ValuesQuery<M, S> {
        self.values(selection)
    }

    /// Aggregates over every matching row:
    /// `aggregate(&db, |p| (count(), sum(p.views), avg(p.rating)))` → `(i64, Option<i64>,
    /// Option<f64>)`, the same types on every backend. With no rows: count 0, the others `None`.
    #[inline(always)]
    pub fn aggregate<S: Selection, E: Executor>(
        &self,
        exec: E,
        selection: impl FnOnce(&M::Columns) -> S,
    ) -> impl Future<Output = Result<S::Output>> + Send {
        let mut columns = Vec::with_capacity(S::WIDTH);
        selection(M::columns()).push_nodes(&mut columns);
        let sql = self
            .query
            .aggregate_sql(Self::TABLE_DEF, columns, exec.dialect());
        run::single(
            run::fetch(exec, sql, Rows::AtMostOne),
            decode_selection::<S>,
            "an aggregate",
        )
    }

    /// The SELECT this query runs.
    #[inline(always)]
    pub fn to_select(&self) -> Select {
        self.query.to_select(Self::TABLE_DEF)
    }

    /// The SQL and parameters this query runs on `dialect`.
    #[inline(always)]
    pub fn to_sql(&self, dialect: Dialect) -> (String, Vec<Value>) {
        match self.to_select().render(dialect) {
            Ok(r) => (r.sql, r.params),
            Err(e) => (format!("/* {e} */"), Vec::new()),
        }
    }

    /// Every matching row.
    #[inline(always)]
    pub fn all<E: Executor>(&self, exec: E) -> impl Future<Output = Result<Vec<M>>> + Send {
        let sql = self.query.select_sql(Self::TABLE_DEF, exec.dialect());
        let rows = Rows::limited_to(self.query.limit);
        run::all(exec, sql, rows, M::from_row)
    }

    /// The first matching row (by primary key when no order is given), if any.
    #[inline(always)]
    pub fn first<E: Executor>(&self, exec: E) -> impl Future<Output = Result<Option<M>>> + Send {
        let sql = self.query.first_sql(Self::TABLE_DEF, exec.dialect());
        run::first(run::fetch(exec, sql, Rows::AtMostOne), M::from_row)
    }

    /// The one matching row: [`Error::NotFound`] if none, [`Error::MultipleRows`] if several.
    #[inline(always)]
    pub fn one<E: Executor>(&self, exec: E) -> impl Future<Output = Result<M>> + Send {
        let sql = self.query.one_sql(Self::TABLE_DEF, exec.dialect());
        run::one(run::fetch(exec, sql, Rows::Any), M::from_row, M::TABLE)
    }

    /// The number of matching rows.
    #[inline(always)]
    pub fn count<E: Executor>(&self, exec: E) -> impl Future<Output = Result<i64>> + Send {
        let sql = self.query.count_sql(Self::TABLE_DEF, exec.dialect());
        run::single(
            run::fetch(exec, sql, Rows::AtMostOne),
            decode_count,
            "COUNT(*)",
        )
    }

    /// Whether any row matches.
    #[inline(always)]
    pub fn exists<E: Executor>(&self, exec: E) -> impl Future<Output = Result<bool>> + Send {
        let sql = self.query.exists_sql(Self::TABLE_DEF, exec.dialect());
        any_row(run::fetch(exec, sql, Rows::AtMostOne))
    }

    /// The matching rows as a stream: each arrives as the database sends it, in constant memory.
    ///
    /// The executor stays borrowed until the stream is dropped.
    #[inline(always)]
    pub fn stream<'e, E: Executor + 'e>(&self, exec: E) -> BoxStream<'e, Result<M>> {
        let sql = self.query.select_sql(Self::TABLE_DEF, exec.dialect());
        decode_stream(run_stream(exec, sql), M::from_row)
    }

    /// Updates every matching row: `update(&db, |p| p.views.set(p.views + 1))`. Returns the
    /// number of rows matched.
    #[inline(always)]
    pub fn update<A: IntoAssignments, E: Executor>(
        &self,
        exec: E,
        assignments: impl FnOnce(&M::Columns) -> A,
    ) -> impl Future<Output = Result<u64>> + Send {
        let mut sets: Vec<Assignment> = Vec::new();
        assignments(M::columns()).push_into(&mut sets);
        let sql = self
            .query
            .update_sql(M::TABLE, M::SOFT_DELETE, sets, exec.dialect());
        run::rows_affected(exec, sql)
    }

    /// Deletes every matching row; on a soft-delete model, sets the deletion time of the
    /// matching live rows instead. Returns the number deleted.
    #[inline(always)]
    pub fn delete<E: Executor>(&self, exec: E) -> impl Future<Output = Result<u64>> + Send {
        let sql = self
            .query
            .delete_statement(M::TABLE, M::SOFT_DELETE, exec.dialect());
        run::rows_affected(exec, sql)
    }

    /// Brings back the matching soft-deleted rows. Returns the number restored;
    /// [`Error::InvalidQuery`] on a model without soft deletes.
    #[inline(always)]
    pub fn restore<E: Executor>(&self, exec: E) -> impl Future<Output = Result<u64>> + Send {
        let sql = self
            .query
            .restore_statement(M::TABLE, M::SOFT_DELETE, exec.dialect());
        run::rows_affected(exec, sql)
    }

    /// Removes the matching rows from the table (in the query's scope: live rows unless
    /// `with_deleted` / `only_deleted`). Returns the number removed.
    #[inline(always)]
    pub fn force_delete<E: Executor>(&self, exec: E) -> impl Future<Output = Result<u64>> + Send {
        let sql = self
            .query
            .force_delete_statement(M::TABLE, M::SOFT_DELETE, exec.dialect());
        run::rows_affected(exec, sql)
    }

    /// The database's plan for this query (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN`
    /// elsewhere), one line per plan row.
    #[inline(always)]
    pub fn explain<E: Executor>(&self, exec: E) -> impl Future<Output = Result<String>> + Send {
        let sql = self.query.explain_sql(Self::TABLE_DEF, exec.dialect());
        explain_lines(run::fetch(exec, sql, Rows::Any))
    }
}

impl Query {
    fn new() -> Query {
        Query {
            filter: None,
            scope: Scope::Live,
            search: None,
            group_by: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
            distinct: false,
        }
    }

    fn debug(&self, table: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("table", &table)
            .field("filter", &self.filter)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("distinct", &self.distinct)
            .finish()
    }

    fn and(&mut self, condition: Node) {
        self.filter = Some(match self.filter.take() {
            None => condition,
            Some(prev) => Node::And(Box::new(prev), Box::new(condition)),
        });
    }

    fn search(&mut self, table: TableDef, query: &str) {
        self.search = Some(query.to_owned());
        self.and(search_node(table, query, SearchPart::Matches));
    }

    fn search_part(&self, table: TableDef, what: &str, part: SearchPart) -> Node {
        match &self.search {
            Some(query) => search_node(table, query, part),
            None => Node::Invalid(format!("{what} needs search(…) first")),
        }
    }

    fn order_by_rank(&mut self, table: TableDef) {
        let node = self.search_part(table, "order_by_rank", SearchPart::Rank);
        self.order.push(Order {
            node,
            descending: true,
        });
    }

    /// The WHERE condition every statement of this query uses.
    fn scoped_filter(&self, soft_delete: Option<&'static str>) -> Option<Node> {
        let scope = match (soft_delete, self.scope) {
            (Some(column), Scope::Live) => Some(live(column)),
            (Some(column), Scope::OnlyDeleted) => Some(Node::Not(Box::new(live(column)))),
            // Nothing is ever soft-deleted in a model without soft deletes.
            (None, Scope::OnlyDeleted) => Some(Node::Bool(false)),
            _ => None,
        };
        match (scope, self.filter.clone()) {
            (Some(scope), Some(filter)) => Some(Node::And(Box::new(scope), Box::new(filter))),
            (scope, filter) => scope.or(filter),
        }
    }

    /// The SELECT of every column this query runs.
    fn to_select(&self, table: TableDef) -> Select {
        Select {
            distinct: self.distinct,
            filter: self.scoped_filter(table.soft_delete),
            group_by: self.group_by.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            ..Select::all_columns_of(table.name, table.columns)
        }
    }

    fn select_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        self.to_select(table).render(dialect)
    }

    fn first_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        self.first_select(table).render(dialect)
    }

    /// `one`: two rows at most, enough to tell one from several.
    fn one_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        let mut select = self.to_select(table);
        select.limit = Some(2);
        select.render(dialect)
    }

    fn count_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        self.count_select(table).render(dialect)
    }

    fn exists_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        self.exists_select(table).render(dialect)
    }

    fn aggregate_sql(
        &self,
        table: TableDef,
        columns: Vec<Node>,
        dialect: Dialect,
    ) -> Result<RenderedSql> {
        self.aggregate_select(table, columns)?.render(dialect)
    }

    fn update_sql(
        &self,
        table: &'static str,
        soft_delete: Option<&'static str>,
        sets: Vec<Assignment>,
        dialect: Dialect,
    ) -> Result<RenderedSql> {
        self.update_statement(table, soft_delete, sets)?
            .render(dialect)
    }

    fn explain_sql(&self, table: TableDef, dialect: Dialect) -> Result<RenderedSql> {
        let rendered = self.select_sql(table, dialect)?;
        let sql = format!("{}{}", dialect.rules().explain_prefix(), rendered.sql);
        Ok(RenderedSql::new(sql, rendered.params))
    }

    fn values_select(&self, table: TableDef, columns: Vec<Node>) -> Select {
        Select {
            columns,
            ..self.to_select(table)
        }
    }

    /// `first`: one row, ordered by the primary key when no order is given.
    fn first_select(&self, table: TableDef) -> Select {
        let mut select = self.to_select(table);
        select.limit = Some(1);
        if select.order.is_empty() {
            for column in table.columns {
                if column.primary_key {
                    select.order.push(Order {
                        node: Node::Column(column.name),
                        descending: false,
                    });
                }
            }
        }
        select
    }

    fn aggregate_select(&self, table: TableDef, columns: Vec<Node>) -> Result<Select> {
        if !self.group_by.is_empty() {
            return Err(Error::invalid_query(
                "aggregate() after group_by: use annotate() for per-group values, or count() for the number of groups",
            ));
        }
        Ok(
            if self.distinct || self.limit.is_some() || self.offset.is_some() {
                Select {
                    from: Source::Subquery(Box::new(self.to_select(table))),
                    columns,
                    ..Select::new(table.name)
                }
            } else {
                Select {
                    columns,
                    filter: self.scoped_filter(table.soft_delete),
                    ..Select::new(table.name)
                }
            },
        )
    }

    fn count_select(&self, table: TableDef) -> Select {
        let count = crate::select::count().into_node();
        if self.distinct
            || !self.group_by.is_empty()
            || self.limit.is_some()
            || self.offset.is_some()
        {
            let mut inner = self.to_select(table);
            if !self.group_by.is_empty() {
                // One row per group: select only the keys.
                inner.columns = self.group_by.clone();
            }
            Select {
                from: Source::Subquery(Box::new(inner)),
                columns: vec![count],
                ..Select::new(table.name)
            }
        } else {
            Select {
                columns: vec![count],
                filter: self.scoped_filter(table.soft_delete),
                ..Select::new(table.name)
            }
        }
    }

    fn exists_select(&self, table: TableDef) -> Select {
        Select {
            columns: vec![Node::Bool(true)],
            filter: self.scoped_filter(table.soft_delete),
            limit: Some(1),
            offset: self.offset,
            ..Select::new(table.name)
        }
    }

    fn reject_slicing(&self, what: &str) -> Result<()> {
        if self.limit.is_some() || self.offset.is_some() || !self.order.is_empty() || self.distinct
        {
            return Err(Error::invalid_query(format!(
                "{what} cannot follow limit, offset, order_by or distinct (it applies to every matching row)"
            )));
        }
        Ok(())
    }

    fn update_statement(
        &self,
        table: &'static str,
        soft_delete: Option<&'static str>,
        sets: Vec<Assignment>,
    ) -> Result<Update> {
        self.reject_slicing("update")?;
        let mut pairs = Vec::with_capacity(sets.len());
        for assignment in sets {
            pairs.push((assignment.column, assignment.value));
        }
        if pairs.is_empty() {
            return Err(Error::invalid_query("update needs at least one assignment"));
        }
        Ok(Update {
            table,
            sets: pairs,
            filter: self.scoped_filter(soft_delete),
        })
    }

    fn delete_statement(
        &self,
        table: &'static str,
        soft_delete: Option<&'static str>,
        dialect: Dialect,
    ) -> Result<RenderedSql> {
        self.reject_slicing("delete")?;
        let Some(column) = soft_delete else {
            return self.force_delete_statement(table, soft_delete, dialect);
        };
        Update {
            table,
            sets: vec![(column, Node::Value(Value::DateTime(soft_delete_now())))],
            filter: Some(and_opt(live(column), self.filter.clone())),
        }
        .render(dialect)
    }

    fn restore_statement(
        &self,
        table: &'static str,
        soft_delete: Option<&'static str>,
        dialect: Dialect,
    ) -> Result<RenderedSql> {
        self.reject_slicing("restore")?;
        let column = soft_delete_column_of(table, soft_delete, "restore")?;
        Update {
            table,
            sets: vec![(
                column,
                Node::Value(Value::Null(crate::value::SqlType::DateTime)),
            )],
            filter: Some(and_opt(
                Node::Not(Box::new(live(column))),
                self.filter.clone(),
            )),
        }
        .render(dialect)
    }

    fn force_delete_statement(
        &self,
        table: &'static str,
        soft_delete: Option<&'static str>,
        dialect: Dialect,
    ) -> Result<RenderedSql> {
        self.reject_slicing("force_delete")?;
        Delete {
            table,
            filter: self.scoped_filter(soft_delete),
        }
        .render(dialect)
    }
}

/// Decodes a projection from the start of `row`.
#[inline(always)]
pub(crate) fn decode_selection<S: Selection>(row: &Row) -> Result<S::Output> {
    S::decode(row, 0)
}

fn decode_count(row: &Row) -> Result<i64> {
    <i64 as crate::field::FieldType>::decode(row, 0)
}

async fn any_row(rows: impl Future<Output = Result<Vec<Row>>>) -> Result<bool> {
    Ok(!rows.await?.is_empty())
}

async fn explain_lines(rows: impl Future<Output = Result<Vec<Row>>>) -> Result<String> {
    let rows = rows.await?;
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.get_display(i))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    Ok(lines.join("\n"))
}

/// The rows of a rendered statement as a stream (a rendering error is its only item).
pub(crate) fn run_stream<'e, E: Executor + 'e>(
    exec: E,
    sql: Result<RenderedSql>,
) -> BoxStream<'e, Result<Row>> {
    match sql {
        Ok(sql) => exec.fetch_rows(sql),
        Err(e) => Box::pin(futures_util::stream::once(async move { Err(e) })),
    }
}

/// `rows`, each decoded as it arrives.
#[inline(always)]
pub(crate) fn decode_stream<'e, T: Send + 'e>(
    rows: BoxStream<'e, Result<Row>>,
    decode: fn(&Row) -> Result<T>,
) -> BoxStream<'e, Result<T>> {
    Box::pin(rows.map(move |row| row.and_then(|r| decode(&r))))
}

/// Which rows of a soft-delete model a query sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Rows without a deletion time (the default).
    Live,
    /// Every row.
    WithDeleted,
    /// Only soft-deleted rows.
    OnlyDeleted,
}

fn and_opt(first: Node, second: Option<Node>) -> Node {
    match second {
        Some(second) => Node::And(Box::new(first), Box::new(second)),
        None => first,
    }
}
