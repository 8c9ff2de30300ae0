//! SQL rendering. One [`SqlDialect`] trait whose default methods render ANSI SQL, and one small
//! impl per backend overriding what differs: quoting, placeholders, RETURNING, LIMIT forms,
//! type names, case-sensitive text matching. A [`SqlWriter`] collects the text and the bound
//! values; values are never written into SQL text. This is the only place backends differ in
//! SQL; it never touches a connection.

pub mod ddl;
mod mysql;
mod postgres;
mod sqlite;

use std::fmt;

use crate::error::{Error, Result};
use crate::expr::{AggFunc, ArithOp, CmpOp, LikeKind, Node};
use crate::json::{JsonNode, PathSegment};
use crate::model::ColumnDef;
use crate::search::{SearchNode, SearchQuery, Term};
use crate::stmt::{
    BulkUpdate, ConflictAction, CreateTable, Delete, Insert, OnConflict, Select, Source, Update,
};
use crate::value::Value;

/// A SQL backend. Chosen from the connection URL at run time, or named to render SQL offline
/// (`QuerySet::to_sql(Dialect::Postgres)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or later.
    Sqlite,
    /// PostgreSQL 12 or later.
    Postgres,
    /// MySQL 8 or MariaDB 10.5 or later.
    Mysql,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL",
        })
    }
}

impl Dialect {
    pub(crate) fn rules(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Mysql => &mysql::Mysql,
        }
    }

    /// Whether INSERT can return generated columns (`RETURNING`); otherwise the id comes from
    /// `LAST_INSERT_ID()`.
    pub fn supports_returning(self) -> bool {
        self.rules().supports_returning()
    }

    /// The most bound parameters one statement may carry.
    pub fn bind_limit(self) -> usize {
        self.rules().bind_limit()
    }

    /// The statement moving an auto-increment generator past explicitly inserted ids, where
    /// the backend needs one (PostgreSQL).
    pub(crate) fn sync_generated_ids(
        self,
        table: &str,
        column: &str,
    ) -> Result<Option<RenderedSql>> {
        self.rules().sync_generated_ids(table, column)
    }

    /// The query giving the step between ids of one multi-row INSERT (MySQL).
    pub(crate) fn generated_id_step_sql(self) -> Option<&'static str> {
        self.rules().generated_id_step_sql()
    }

    /// How a multi-row INSERT reports the ids it generated.
    pub(crate) fn generated_ids(self) -> GeneratedIds {
        self.rules().generated_ids()
    }

    /// The fewest rows a `bulk_create` group needs before it is streamed by the backend's
    /// bulk-load path (PostgreSQL's COPY, `crate::copy`), or `None` without one.
    pub(crate) fn copy_min_rows(self) -> Option<usize> {
        self.rules().copy_min_rows()
    }

    /// How many bound values a bulk statement should carry: the bind limit, or less where
    /// the backend is measured faster with smaller statements (bench/).
    pub(crate) fn bulk_statement_params(self) -> usize {
        self.rules().bulk_statement_params()
    }

    pub(crate) fn render(
        self,
        build: impl FnOnce(&'static dyn SqlDialect, &mut SqlWriter) -> Result<()>,
    ) -> Result<RenderedSql> {
        let rules = self.rules();
        let mut w = SqlWriter::new(rules);
        build(rules, &mut w)?;
        Ok(w.finish())
    }

    /// The text of `insert` (whose `rows` are ignored) with `rows` rows of one placeholder
    /// per column, the values to be bound later, row after row: bulk statements of one shape
    /// share one text, rendered once.
    pub(crate) fn insert_text(self, insert: &Insert, rows: usize) -> Result<String> {
        let width = insert.columns.len();
        self.render_text(|rules, w| {
            rules.insert_with(w, insert, rows, &mut |w, _| {
                w.slots(width);
                Ok(())
            })
        })
    }

    /// The text of `insert` (see [`Dialect::insert_text`]; columns only) as an INSERT that
    /// writes nothing when the table holds a rowid above one more placeholder at the end (SQLite:
    /// [`SqlDialect::insert_with_rowid_room`]); `Unsupported` where rowids are not how ids are
    /// told.
    pub(crate) fn insert_text_with_rowid_room(
        self,
        insert: &Insert,
        rows: usize,
    ) -> Result<String> {
        self.render_text(|rules, w| rules.insert_with_rowid_room(w, insert, rows))
    }

    /// The text of `update` (whose `rows` are ignored) with `rows` rows of placeholders for
    /// the keys, then the columns; see [`Dialect::insert_text`].
    pub(crate) fn bulk_update_text(self, update: &BulkUpdate, rows: usize) -> Result<String> {
        let width = update.keys.len() + update.columns.len();
        self.render_text(|rules, w| {
            rules.bulk_update_with(w, update, rows, &mut |w, _| {
                w.slots(width);
                Ok(())
            })
        })
    }

    fn render_text(
        self,
        build: impl FnOnce(&'static dyn SqlDialect, &mut SqlWriter) -> Result<()>,
    ) -> Result<String> {
        let rendered = self.render(build)?;
        if !rendered.params.is_empty() {
            // Values bound while the text is rendered would land before the rows' values.
            return Err(Error::invalid_query(
                "a bulk statement's text binds values of its own",
            ));
        }
        Ok(rendered.sql)
    }
}

/// SQL text with its bound parameters, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedSql {
    /// The SQL text, with the dialect's placeholders.
    pub sql: String,
    /// The values bound to the placeholders, in order.
    pub params: Vec<Value>,
}

impl RenderedSql {
    /// SQL with its parameters.
    pub fn new(sql: String, params: Vec<Value>) -> Self {
        RenderedSql { sql, params }
    }

    /// The debug form for logs and tests: `SQL -- binds: [1, "x"]`. Never executable.
    pub fn debug(&self) -> String {
        format!(
            "{} -- binds: {}",
            self.sql,
            Value::List(crate::value::SqlType::Text, self.params.clone())
        )
    }
}

/// Collects SQL text and bound values; numbers placeholders through the dialect.
pub(crate) struct SqlWriter {
    rules: &'static dyn SqlDialect,
    sql: String,
    params: Vec<Value>,
    /// Placeholders written for values bound later (`slots`), counted in their numbering.
    slots: usize,
}

impl SqlWriter {
    fn new(rules: &'static dyn SqlDialect) -> Self {
        SqlWriter {
            rules,
            sql: String::with_capacity(128),
            params: Vec::new(),
            slots: 0,
        }
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    pub(crate) fn ident(&mut self, name: &str) {
        self.rules.quote_ident(&mut self.sql, name);
    }

    pub(crate) fn bind(&mut self, value: Value) {
        self.params.push(value);
        self.rules
            .placeholder(&mut self.sql, self.params.len() + self.slots);
    }

    /// `n` placeholders separated by `, `, for values the caller binds later in order.
    pub(crate) fn slots(&mut self, n: usize) {
        for i in 0..n {
            if i > 0 {
                self.push(", ");
            }
            self.slots += 1;
            self.rules
                .placeholder(&mut self.sql, self.params.len() + self.slots);
        }
    }

    pub(crate) fn expr(&mut self, node: &Node) -> Result<()> {
        let rules = self.rules;
        rules.expr(self, node)
    }

    /// Writes `items` separated by `, `.
    pub(crate) fn comma<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> Result<()>,
    ) -> Result<()> {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            each(self, item)?;
        }
        Ok(())
    }

    fn finish(self) -> RenderedSql {
        RenderedSql {
            sql: self.sql,
            params: self.params,
        }
    }
}

/// How a multi-row INSERT hands back the auto-increment ids it generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GeneratedIds {
    /// `RETURNING` the generated columns, one row per inserted row.
    Returning,
    /// The last row's id (SQLite's `last_insert_rowid()`); the rows got consecutive ids.
    LastRowid,
    /// The first row's id (MySQL's `LAST_INSERT_ID()`); the others follow it by the server's
    /// step.
    FirstId,
}

/// How one backend spells SQL. Default methods render ANSI SQL; each backend overrides only
/// what differs.
pub(crate) trait SqlDialect: Sync {
    fn dialect(&self) -> Dialect;

    fn supports_returning(&self) -> bool {
        true
    }

    fn bind_limit(&self) -> usize;

    fn bulk_statement_params(&self) -> usize {
        self.bind_limit()
    }

    fn generated_ids(&self) -> GeneratedIds {
        GeneratedIds::Returning
    }

    fn copy_min_rows(&self) -> Option<usize> {
        None
    }

    fn quote_ident(&self, out: &mut String, name: &str) {
        out.push('"');
        for c in name.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }

    fn placeholder(&self, out: &mut String, _index: usize) {
        out.push('?');
    }

    /// The SQL type of a column.
    fn column_type(&self, column: &ColumnDef) -> String;

    /// The whole definition of an auto-increment primary-key column.
    fn auto_increment_column(&self, w: &mut SqlWriter, column: &ColumnDef);

    // ---- expressions ----

    fn expr(&self, w: &mut SqlWriter, node: &Node) -> Result<()> {
        match node {
            Node::Column(name) => w.ident(name),
            Node::TableColumn(table, name) => {
                w.ident(table);
                w.push(".");
                w.ident(name);
            }
            Node::Value(value) => self.value(w, value)?,
            Node::Bool(true) => w.push("(1 = 1)"),
            Node::Bool(false) => w.push("(1 = 0)"),
            Node::Compare { op, lhs, rhs, ty } => {
                if let Node::Value(Value::Null(_)) = **rhs
                    && matches!(op, CmpOp::Eq | CmpOp::Ne)
                {
                    // `= NULL` is never true; `eq(None)` means IS NULL, as in Django.
                    return self.expr(
                        w,
                        &Node::IsNull {
                            expr: lhs.clone(),
                            negated: *op == CmpOp::Ne,
                        },
                    );
                }
                self.compare(w, *op, lhs, rhs, *ty)?
            }
            Node::And(lhs, rhs) => {
                w.push("(");
                w.expr(lhs)?;
                w.push(" AND ");
                w.expr(rhs)?;
                w.push(")");
            }
            Node::Or(lhs, rhs) => {
                w.push("(");
                w.expr(lhs)?;
                w.push(" OR ");
                w.expr(rhs)?;
                w.push(")");
            }
            Node::Not(inner) => {
                w.push("NOT ");
                w.expr(inner)?;
            }
            Node::Arith { op, lhs, rhs, ty } => {
                w.push("(");
                w.expr(lhs)?;
                w.push(self.arith_op(*op, *ty));
                w.expr(rhs)?;
                w.push(")");
            }
            Node::Neg(inner) => {
                w.push("(-");
                w.expr(inner)?;
                w.push(")");
            }
            Node::IsNull { expr, negated } => {
                w.push("(");
                w.expr(expr)?;
                w.push(if *negated {
                    " IS NOT NULL)"
                } else {
                    " IS NULL)"
                });
            }
            Node::Between {
                expr,
                low,
                high,
                ty,
            } => self.between(w, expr, low, high, *ty)?,
            Node::InList {
                expr,
                values,
                ty,
                negated,
            } => self.in_list(w, expr, values, *ty, *negated)?,
            Node::Like {
                expr,
                needle,
                kind,
                case_insensitive,
            } => self.like(w, expr, needle, *kind, *case_insensitive)?,
            Node::Func { name, args } => {
                w.push(name);
                w.push("(");
                w.comma(args, |w, a| w.expr(a))?;
                w.push(")");
            }
            Node::Star => w.push("*"),
            Node::Invalid(message) => return Err(Error::invalid_query(message.clone())),
            Node::InRows { columns, rows } => {
                w.push("((");
                w.comma(columns, |w, c| {
                    w.ident(c);
                    Ok(())
                })?;
                w.push(") IN (");
                w.comma(rows, |w, row| {
                    w.push("(");
                    w.comma(row, |w, v| {
                        w.bind(v.clone());
                        Ok(())
                    })?;
                    w.push(")");
                    Ok(())
                })?;
                w.push("))");
            }
            Node::Search(search) => self.search(w, search)?,
            Node::Json(json) => match json.as_ref() {
                JsonNode::Invalid(message) => return Err(Error::invalid_query(message.clone())),
                test @ (JsonNode::Compare { .. }
                | JsonNode::IsNull { .. }
                | JsonNode::Exists { .. }
                | JsonNode::Contains { .. }) => {
                    // A missing key (or a NULL document) makes the test false, not NULL, so
                    // `exclude` and `!` are the complement of `filter`, as in Django.
                    w.push("COALESCE(");
                    self.json(w, test)?;
                    w.push(", FALSE)");
                }
                other => self.json(w, other)?,
            },
            Node::Aggregate {
                func,
                arg,
                arg_type,
            } => self.aggregate(w, *func, arg.as_deref(), *arg_type)?,
            Node::InSubquery {
                expr,
                select,
                negated,
            } => {
                w.push("(");
                w.expr(expr)?;
                w.push(if *negated { " NOT IN (" } else { " IN (" });
                self.subquery(w, select)?;
                w.push("))");
            }
        }
        Ok(())
    }

    /// A JSON path expression (never `Invalid`: that is an error before rendering).
    fn json(&self, w: &mut SqlWriter, node: &JsonNode) -> Result<()>;

    /// A full-text search expression: a filter, a rank, a highlight or a snippet.
    fn search(&self, w: &mut SqlWriter, node: &SearchNode) -> Result<()>;

    /// Columns or keys that full-text search adds inside `CREATE TABLE`.
    fn search_columns(&self, w: &mut SqlWriter, t: &CreateTable) -> Result<()> {
        let _ = (w, t);
        Ok(())
    }

    /// Statements that full-text search runs after `CREATE TABLE`.
    fn search_after(&self, t: &CreateTable) -> Result<Vec<RenderedSql>> {
        let _ = t;
        Ok(Vec::new())
    }

    /// Statements that remove what full-text search added beside a table, run before the
    /// table is dropped.
    fn drop_search(&self, table: &str) -> Result<Vec<RenderedSql>> {
        let _ = table;
        Ok(Vec::new())
    }

    /// Text after a column's type in `CREATE TABLE` (MySQL: the collation of searched columns).
    fn column_suffix(&self, w: &mut SqlWriter, t: &CreateTable, column: &ColumnDef) {
        let _ = (w, t, column);
    }

    /// `FUNC(arg)`, cast where the backend's result type is not the one the Rust side decodes
    /// (the default renders no cast: SQLite's results already fit).
    fn aggregate(
        &self,
        w: &mut SqlWriter,
        func: AggFunc,
        arg: Option<&Node>,
        arg_type: crate::value::SqlType,
    ) -> Result<()> {
        let _ = arg_type;
        self.aggregate_call(w, func, arg)
    }

    /// The aggregate call itself, without a cast.
    fn aggregate_call(&self, w: &mut SqlWriter, func: AggFunc, arg: Option<&Node>) -> Result<()> {
        let (name, distinct) = match func {
            AggFunc::Count => ("COUNT", false),
            AggFunc::CountDistinct => ("COUNT", true),
            AggFunc::Sum => ("SUM", false),
            AggFunc::Avg => ("AVG", false),
            AggFunc::Min => ("MIN", false),
            AggFunc::Max => ("MAX", false),
        };
        w.push(name);
        w.push("(");
        if distinct {
            w.push("DISTINCT ");
        }
        match arg {
            Some(arg) => w.expr(arg)?,
            None => w.push("*"),
        }
        w.push(")");
        Ok(())
    }

    /// `CAST(<aggregate> AS <type>)`.
    fn cast_aggregate(
        &self,
        w: &mut SqlWriter,
        func: AggFunc,
        arg: Option<&Node>,
        sql_type: &str,
    ) -> Result<()> {
        w.push("CAST(");
        self.aggregate_call(w, func, arg)?;
        w.push(" AS ");
        w.push(sql_type);
        w.push(")");
        Ok(())
    }

    /// Arithmetic operators; `/` on integers divides with truncation on every backend.
    fn arith_op(&self, op: ArithOp, _ty: crate::value::SqlType) -> &'static str {
        match op {
            ArithOp::Add => " + ",
            ArithOp::Sub => " - ",
            ArithOp::Mul => " * ",
            ArithOp::Div => " / ",
            ArithOp::Rem => " % ",
        }
    }

    fn value(&self, w: &mut SqlWriter, value: &Value) -> Result<()> {
        w.bind(value.clone());
        Ok(())
    }

    fn compare(
        &self,
        w: &mut SqlWriter,
        op: CmpOp,
        lhs: &Node,
        rhs: &Node,
        _ty: crate::value::SqlType,
    ) -> Result<()> {
        w.push("(");
        w.expr(lhs)?;
        w.push(cmp_op(op));
        w.expr(rhs)?;
        w.push(")");
        Ok(())
    }

    fn between(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        low: &Node,
        high: &Node,
        _ty: crate::value::SqlType,
    ) -> Result<()> {
        w.push("(");
        w.expr(expr)?;
        w.push(" BETWEEN ");
        w.expr(low)?;
        w.push(" AND ");
        w.expr(high)?;
        w.push(")");
        Ok(())
    }

    fn in_list(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        values: &[Value],
        _ty: crate::value::SqlType,
        negated: bool,
    ) -> Result<()> {
        w.push("(");
        w.expr(expr)?;
        w.push(if negated { " NOT IN (" } else { " IN (" });
        w.comma(values, |w, v| {
            w.bind(v.clone());
            Ok(())
        })?;
        w.push("))");
        Ok(())
    }

    /// Case-sensitive and case-insensitive pattern matching. The default is PostgreSQL's:
    /// LIKE is case-sensitive and ILIKE is not.
    fn like(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        needle: &str,
        kind: LikeKind,
        case_insensitive: bool,
    ) -> Result<()> {
        w.push("(");
        w.expr(expr)?;
        w.push(if case_insensitive {
            " ILIKE "
        } else {
            " LIKE "
        });
        w.bind(Value::Text(like_pattern(needle, kind)));
        w.push(" ESCAPE '!')");
        Ok(())
    }

    fn limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        if let Some(limit) = limit {
            w.push(" LIMIT ");
            w.bind(Value::I64(clamp(limit)));
        }
        if let Some(offset) = offset {
            w.push(" OFFSET ");
            w.bind(Value::I64(clamp(offset)));
        }
    }

    // ---- statements ----

    fn select(&self, w: &mut SqlWriter, s: &Select) -> Result<()> {
        w.push("SELECT ");
        if s.distinct {
            w.push("DISTINCT ");
        }
        if s.columns.is_empty() {
            w.push("*");
        } else {
            w.comma(&s.columns, |w, c| w.expr(c))?;
        }
        w.push(" FROM ");
        match &s.from {
            Source::Table(t) => w.ident(t),
            Source::Subquery(inner) => {
                w.push("(");
                self.select(w, inner)?;
                w.push(") AS ");
                w.ident("sub");
            }
        }
        if let Some(filter) = &s.filter {
            w.push(" WHERE ");
            w.expr(filter)?;
        }
        if !s.group_by.is_empty() {
            w.push(" GROUP BY ");
            w.comma(&s.group_by, |w, g| self.key(w, s, g))?;
        }
        if let Some(having) = &s.having {
            w.push(" HAVING ");
            w.expr(having)?;
        }
        if !s.order.is_empty() {
            w.push(" ORDER BY ");
            w.comma(&s.order, |w, o| {
                self.key(w, s, &o.node)?;
                w.push(if o.descending { " DESC" } else { " ASC" });
                Ok(())
            })?;
        }
        self.limit_offset(w, s.limit, s.offset);
        Ok(())
    }

    /// A GROUP BY or ORDER BY key. A key that is also a selected expression and binds values
    /// is written as its position (`GROUP BY 1`): the same expression with other placeholders
    /// would be a different expression to PostgreSQL.
    fn key(&self, w: &mut SqlWriter, s: &Select, key: &Node) -> Result<()> {
        if let Some(position) = s.columns.iter().position(|c| c == key) {
            let mut probe = SqlWriter::new(w.rules);
            probe.expr(key)?;
            if !probe.params.is_empty() {
                w.push(&(position + 1).to_string());
                return Ok(());
            }
        }
        w.expr(key)
    }

    /// The SELECT of an `IN (…)` subquery.
    fn subquery(&self, w: &mut SqlWriter, select: &Select) -> Result<()> {
        self.select(w, select)
    }

    /// Moves the rows' values into the writer's parameters.
    /// Moves the rows' values into the writer (`s.rows` is left empty).
    fn insert(&self, w: &mut SqlWriter, s: &mut Insert) -> Result<()> {
        let mut rows = std::mem::take(&mut s.rows);
        self.insert_with(w, s, rows.len(), &mut |w, r| {
            for (j, value) in rows[r].drain(..).enumerate() {
                if j > 0 {
                    w.push(", ");
                }
                w.bind(value);
            }
            Ok(())
        })
    }

    /// `insert` with `rows` rows, each written inside its parentheses by `row`.
    fn insert_with(
        &self,
        w: &mut SqlWriter,
        s: &Insert,
        rows: usize,
        row: &mut dyn FnMut(&mut SqlWriter, usize) -> Result<()>,
    ) -> Result<()> {
        w.push("INSERT INTO ");
        w.ident(s.table);
        if s.columns.is_empty() {
            self.insert_default_values(w, rows.max(1))?;
        } else {
            w.push(" (");
            w.comma(&s.columns, |w, c| {
                w.ident(c);
                Ok(())
            })?;
            w.push(") VALUES ");
            for r in 0..rows {
                w.push(if r == 0 { "(" } else { ", (" });
                row(w, r)?;
                w.push(")");
            }
        }
        if let Some(conflict) = &s.on_conflict {
            self.on_conflict(w, conflict)?;
        }
        if !s.returning.is_empty() {
            if !self.supports_returning() {
                return Err(Error::unsupported(self.dialect(), "INSERT … RETURNING"));
            }
            w.push(" RETURNING ");
            w.comma(&s.returning, |w, c| {
                w.ident(c);
                Ok(())
            })?;
        }
        Ok(())
    }

    /// `insert` with `rows` rows of placeholders, writing nothing when the table holds a rowid
    /// above one more placeholder at the end; only where the dialect reports ids by
    /// [`GeneratedIds::LastRowid`].
    fn insert_with_rowid_room(
        &self,
        _w: &mut SqlWriter,
        _insert: &Insert,
        _rows: usize,
    ) -> Result<()> {
        Err(Error::unsupported(
            self.dialect(),
            "an INSERT guarded by its rowids' room",
        ))
    }

    /// An insert of `rows` rows made only of column defaults.
    fn insert_default_values(&self, w: &mut SqlWriter, rows: usize) -> Result<()> {
        if rows > 1 {
            return Err(Error::unsupported(
                self.dialect(),
                "inserting several rows that set no column (DEFAULT VALUES inserts one row)",
            ));
        }
        w.push(" DEFAULT VALUES");
        Ok(())
    }

    /// `ON CONFLICT (…) DO UPDATE SET c = excluded.c` / `DO NOTHING`.
    fn on_conflict(&self, w: &mut SqlWriter, c: &OnConflict) -> Result<()> {
        w.push(" ON CONFLICT (");
        w.comma(&c.columns, |w, col| {
            w.ident(col);
            Ok(())
        })?;
        w.push(")");
        if let Some(predicate) = &c.predicate {
            // Names the partial unique index the conflict is about.
            w.push(" WHERE ");
            w.expr(predicate)?;
        }
        match &c.action {
            ConflictAction::Update(columns) if !columns.is_empty() => {
                w.push(" DO UPDATE SET ");
                w.comma(columns, |w, col| {
                    w.ident(col);
                    w.push(" = ");
                    w.push("excluded.");
                    w.ident(col);
                    Ok(())
                })?;
                if let Some((table, deleted_at)) = c.live_only {
                    w.push(" WHERE ");
                    w.ident(table);
                    w.push(".");
                    w.ident(deleted_at);
                    w.push(" IS NULL");
                }
            }
            _ => w.push(" DO NOTHING"),
        }
        Ok(())
    }

    /// `WITH "v"(keys…, columns…) AS (VALUES …) UPDATE "t" SET c = "v".c FROM "v" WHERE
    /// "t".key = "v".key`.
    fn bulk_update(&self, w: &mut SqlWriter, s: &BulkUpdate) -> Result<()> {
        self.bulk_update_with(w, s, s.rows.len(), &mut |w, r| {
            w.comma(&s.rows[r], |w, v| self.value(w, v))
        })
    }

    /// `bulk_update` with `rows` rows, each row's values written by `row`.
    fn bulk_update_with(
        &self,
        w: &mut SqlWriter,
        s: &BulkUpdate,
        rows: usize,
        row: &mut dyn FnMut(&mut SqlWriter, usize) -> Result<()>,
    ) -> Result<()> {
        w.push("WITH ");
        w.ident("v");
        w.push("(");
        let names: Vec<&str> = s.keys.iter().chain(&s.columns).copied().collect();
        w.comma(&names, |w, n| {
            w.ident(n);
            Ok(())
        })?;
        w.push(") AS (VALUES ");
        for r in 0..rows {
            w.push(if r == 0 { "(" } else { ", (" });
            row(w, r)?;
            w.push(")");
        }
        w.push(") UPDATE ");
        w.ident(s.table);
        w.push(" SET ");
        w.comma(&s.columns, |w, c| {
            w.ident(c);
            w.push(" = ");
            w.ident("v");
            w.push(".");
            w.ident(c);
            Ok(())
        })?;
        w.push(" FROM ");
        w.ident("v");
        w.push(" WHERE ");
        self.bulk_update_join(w, s)
    }

    /// `"t"."key" = "v"."key" AND …` plus the extra filter.
    fn bulk_update_join(&self, w: &mut SqlWriter, s: &BulkUpdate) -> Result<()> {
        for (i, key) in s.keys.iter().enumerate() {
            if i > 0 {
                w.push(" AND ");
            }
            w.ident(s.table);
            w.push(".");
            w.ident(key);
            w.push(" = ");
            w.ident("v");
            w.push(".");
            w.ident(key);
        }
        if let Some(filter) = &s.filter {
            w.push(" AND ");
            w.expr(filter)?;
        }
        Ok(())
    }

    fn update(&self, w: &mut SqlWriter, s: &Update) -> Result<()> {
        w.push("UPDATE ");
        w.ident(s.table);
        w.push(" SET ");
        w.comma(&s.sets, |w, (column, value)| {
            w.ident(column);
            w.push(" = ");
            w.expr(value)
        })?;
        if let Some(filter) = &s.filter {
            w.push(" WHERE ");
            w.expr(filter)?;
        }
        Ok(())
    }

    fn delete(&self, w: &mut SqlWriter, s: &Delete) -> Result<()> {
        w.push("DELETE FROM ");
        w.ident(s.table);
        if let Some(filter) = &s.filter {
            w.push(" WHERE ");
            w.expr(filter)?;
        }
        Ok(())
    }

    /// After rows were inserted with explicit values in an auto-increment column: the
    /// statement that moves the generator past them (PostgreSQL's identity sequence does not
    /// follow explicit values by itself).
    fn sync_generated_ids(&self, table: &str, column: &str) -> Result<Option<RenderedSql>> {
        let _ = (table, column);
        Ok(None)
    }

    /// The query giving the step between ids one multi-row INSERT generates, where the
    /// dialect reads them from `LAST_INSERT_ID` (MySQL's `auto_increment_increment`).
    fn generated_id_step_sql(&self) -> Option<&'static str> {
        None
    }

    /// What a constraint error's message (and detail line) says about the row it failed on.
    fn constraint_clue(
        &self,
        kind: crate::error::ErrorKind,
        message: &str,
        detail: Option<&str>,
    ) -> Option<crate::failed_row::Clue> {
        let _ = (kind, message, detail);
        None
    }

    /// A boolean key value as the backend prints it in error messages.
    fn message_bool(&self, value: bool) -> &'static str {
        if value { "1" } else { "0" }
    }

    /// What separates the values of a composite key in the backend's error messages.
    fn message_key_separator(&self) -> &'static str {
        ", "
    }

    /// Whether a key printed as `rendered` is the one an error message `reported`.
    fn message_key_matches(&self, rendered: &str, reported: &str) -> bool {
        rendered == reported
    }

    fn explain_prefix(&self) -> &'static str {
        "EXPLAIN "
    }

    // ---- DDL ----

    fn create_table(&self, t: &CreateTable) -> Result<Vec<RenderedSql>> {
        let mut out = vec![
            self.dialect()
                .render(|_, w| self.create_table_statement(w, t, false))?,
        ];
        for column in t
            .columns
            .iter()
            .filter(|c| c.index && !c.unique && !c.primary_key)
        {
            out.push(self.dialect().render(|_, w| {
                w.push("CREATE INDEX ");
                if t.if_not_exists {
                    w.push("IF NOT EXISTS ");
                }
                w.ident(&index_name(&t.table, column.name));
                w.push(" ON ");
                w.ident(&t.table);
                w.push(" (");
                w.ident(column.name);
                w.push(")");
                Ok(())
            })?);
        }
        out.extend(self.search_after(t)?);
        if let Some(deleted_at) = t.soft_delete {
            // Unique among live rows only: a partial unique index.
            for column in t.columns.iter().filter(|c| c.unique && !c.primary_key) {
                out.push(self.dialect().render(|_, w| {
                    w.push("CREATE UNIQUE INDEX ");
                    if t.if_not_exists {
                        w.push("IF NOT EXISTS ");
                    }
                    w.ident(&live_unique_name(&t.table, column.name));
                    w.push(" ON ");
                    w.ident(&t.table);
                    w.push(" (");
                    w.ident(column.name);
                    w.push(") WHERE ");
                    w.ident(deleted_at);
                    w.push(" IS NULL");
                    Ok(())
                })?);
            }
        }
        Ok(out)
    }

    /// `CREATE TABLE`; with `inline_indexes` plain indexes are part of the statement (MySQL).
    fn create_table_statement(
        &self,
        w: &mut SqlWriter,
        t: &CreateTable,
        inline_indexes: bool,
    ) -> Result<()> {
        w.push("CREATE TABLE ");
        if t.if_not_exists {
            w.push("IF NOT EXISTS ");
        }
        w.ident(&t.table);
        w.push(" (");
        let keys: Vec<&ColumnDef> = t.columns.iter().filter(|c| c.primary_key).collect();
        let composite = keys.len() > 1;
        w.comma(&t.columns, |w, c| {
            if c.auto_increment && !composite {
                self.auto_increment_column(w, c);
                return Ok(());
            }
            w.ident(c.name);
            w.push(" ");
            w.push(&self.column_type(c));
            self.column_suffix(w, t, c);
            if !c.nullable {
                w.push(" NOT NULL");
            }
            if let Some(default) = c.default {
                w.push(" DEFAULT ");
                w.push(default);
            }
            if c.primary_key && !composite {
                w.push(" PRIMARY KEY");
            } else if c.unique && t.soft_delete.is_none() {
                w.push(" UNIQUE");
            }
            Ok(())
        })?;
        if composite {
            w.push(", PRIMARY KEY (");
            w.comma(&keys, |w, c| {
                w.ident(c.name);
                Ok(())
            })?;
            w.push(")");
        }
        self.search_columns(w, t)?;
        if inline_indexes {
            for column in t
                .columns
                .iter()
                .filter(|c| c.index && !c.unique && !c.primary_key)
            {
                w.push(", INDEX ");
                w.ident(&index_name(&t.table, column.name));
                w.push(" (");
                w.ident(column.name);
                w.push(")");
            }
            if let Some(deleted_at) = t.soft_delete {
                // No partial indexes here: a generated column that is NULL for deleted rows
                // carries the unique key (NULLs never collide).
                for column in t.columns.iter().filter(|c| c.unique && !c.primary_key) {
                    let live = live_column_name(column.name);
                    w.push(", ");
                    w.ident(&live);
                    w.push(" ");
                    w.push(&self.column_type(column));
                    w.push(" GENERATED ALWAYS AS (CASE WHEN ");
                    w.ident(deleted_at);
                    w.push(" IS NULL THEN ");
                    w.ident(column.name);
                    w.push(" END) STORED, UNIQUE KEY ");
                    w.ident(&live_unique_name(&t.table, column.name));
                    w.push(" (");
                    w.ident(&live);
                    w.push(")");
                }
            }
        }
        w.push(")");
        Ok(())
    }
}

pub(crate) fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => " = ",
        CmpOp::Ne => " <> ",
        CmpOp::Lt => " < ",
        CmpOp::Le => " <= ",
        CmpOp::Gt => " > ",
        CmpOp::Ge => " >= ",
    }
}

/// The name of the index keeping `column` unique among live rows of a soft-delete table.
pub fn live_unique_name(table: &str, column: &str) -> String {
    format!("{table}_{column}_live_key")
}

/// MySQL's generated column that holds `column` for live rows and NULL for deleted ones.
pub fn live_column_name(column: &str) -> String {
    format!("{column}__live")
}

/// The name of the single-column index on `column`.
pub fn index_name(table: &str, column: &str) -> String {
    format!("{table}_{column}_idx")
}

/// A LIKE pattern matching `needle` literally, with `!` as the escape character.
pub(crate) fn like_pattern(needle: &str, kind: LikeKind) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    if kind == LikeKind::Contains || kind == LikeKind::EndsWith {
        out.push('%');
    }
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    if kind == LikeKind::Contains || kind == LikeKind::StartsWith {
        out.push('%');
    }
    out
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A JSON path in the `$."key"[0]` form SQLite and MySQL take. Keys are quoted; a key holding
/// `"` or `\\` cannot be quoted there and is refused.
pub(crate) fn dollar_path(dialect: Dialect, path: &[PathSegment]) -> Result<String> {
    let mut out = String::from("$");
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if key.contains('"') || key.contains('\\') {
                    return Err(Error::unsupported(
                        dialect,
                        format!("the JSON key {key:?} (a key with `\"` or `\\`)"),
                    ));
                }
                out.push_str(".\"");
                out.push_str(key);
                out.push('"');
            }
            PathSegment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    Ok(out)
}

/// `'text'` with quotes doubled: for the few names DDL cannot bind (FTS5 options, a
/// text-search configuration). Never used for values.
pub(crate) fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Writes a search query in a backend's syntax: how each term is spelled, how terms join.
pub(crate) struct QuerySyntax {
    /// Spells one term; the flag is set for a required term outside an OR group.
    pub(crate) term: fn(&Term, bool) -> String,
    /// Joins the alternatives of an OR group.
    pub(crate) or: fn(Vec<String>) -> String,
    /// Joins required clauses.
    pub(crate) and: &'static str,
    /// Prefixes an excluded term.
    pub(crate) not: &'static str,
}

impl QuerySyntax {
    pub(crate) fn write(&self, query: &SearchQuery) -> String {
        let parts: Vec<String> = query
            .required
            .iter()
            .map(|clause| match clause.as_slice() {
                [only] => (self.term)(only, true),
                many => (self.or)(many.iter().map(|t| (self.term)(t, false)).collect()),
            })
            .collect();
        let mut out = parts.join(self.and);
        for term in &query.excluded {
            out.push_str(self.not);
            out.push_str(&(self.term)(term, false));
        }
        out
    }
}
