//! SQLite: `?` placeholders, GLOB for case-sensitive matching (its LIKE ignores ASCII case),
//! dates and JSON as TEXT.

use super::{GeneratedIds, QuerySyntax, SqlDialect, SqlWriter, sql_literal};
use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{CmpOp, LikeKind, Node};
use crate::failed_row::{Clue, unqualify};
use crate::json::{JsonKind, JsonNode, PathSegment};
use crate::model::ColumnDef;
use crate::search::{SearchNode, SearchPart, Term};
use crate::stmt::{CreateTable, Insert};
use crate::value::{SqlType, Value};

pub(crate) struct Sqlite;

impl SqlDialect for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    /// The message names the columns (`UNIQUE constraint failed: t.a, t.b`), never the value.
    fn constraint_clue(
        &self,
        kind: ErrorKind,
        message: &str,
        _detail: Option<&str>,
    ) -> Option<Clue> {
        match kind {
            ErrorKind::NotNullViolation => message
                .strip_prefix("NOT NULL constraint failed: ")
                .map(|c| Clue::NotNull(unqualify(c).to_owned())),
            ErrorKind::UniqueViolation => {
                let list = message.strip_prefix("UNIQUE constraint failed: ")?;
                Some(Clue::Unique {
                    columns: Some(list.split(", ").map(|c| unqualify(c).to_owned()).collect()),
                    value: None,
                })
            }
            _ => None,
        }
    }

    fn bind_limit(&self) -> usize {
        32_766
    }

    /// One placeholder is kept for the rowid guard of `bulk_create`'s INSERTs
    /// (`Dialect::insert_text_with_rowid_room`).
    fn bulk_statement_params(&self) -> usize {
        self.bind_limit() - 1
    }

    /// `INSERT INTO t (…) SELECT * FROM (VALUES (…), …) WHERE NOT EXISTS (SELECT 1 FROM t
    /// WHERE rowid > ?)`. Bound to `i64::MAX - rows`, its rows get consecutive rowids ending at
    /// `last_insert_rowid()` whenever it inserts them (SQLite picks random rowids only once the
    /// largest is `i64::MAX`), so one statement both inserts and vouches for the ids. The
    /// subquery runs once, as one probe of the rowid index.
    fn insert_with_rowid_room(
        &self,
        w: &mut SqlWriter,
        insert: &Insert,
        rows: usize,
    ) -> Result<()> {
        if insert.columns.is_empty() {
            return Err(Error::unsupported(
                Dialect::Sqlite,
                "an INSERT guarded by its rowids' room that sets no column",
            ));
        }
        w.push("INSERT INTO ");
        w.ident(insert.table);
        w.push(" (");
        w.comma(&insert.columns, |w, c| {
            w.ident(c);
            Ok(())
        })?;
        w.push(") SELECT * FROM (VALUES ");
        for r in 0..rows {
            w.push(if r == 0 { "(" } else { ", (" });
            w.slots(insert.columns.len());
            w.push(")");
        }
        w.push(") WHERE NOT EXISTS (SELECT 1 FROM ");
        w.ident(insert.table);
        w.push(" WHERE rowid > ");
        w.slots(1);
        w.push(")");
        Ok(())
    }

    /// `RETURNING` hands every row to sqlx's worker thread one at a time, 2.8× slower than
    /// reading `last_insert_rowid()` once (bench/, docs/performance.md).
    fn generated_ids(&self) -> GeneratedIds {
        GeneratedIds::LastRowid
    }

    fn column_type(&self, column: &ColumnDef) -> String {
        match column.sql_type {
            SqlType::Bool | SqlType::I16 | SqlType::I32 | SqlType::I64 => "INTEGER",
            SqlType::F32 | SqlType::F64 => "REAL",
            SqlType::Text
            | SqlType::DateTime
            | SqlType::NaiveDateTime
            | SqlType::Date
            | SqlType::Json => "TEXT",
            SqlType::Bytes => "BLOB",
        }
        .to_owned()
    }

    fn auto_increment_column(&self, w: &mut SqlWriter, column: &ColumnDef) {
        w.ident(column.name);
        w.push(" INTEGER PRIMARY KEY AUTOINCREMENT");
    }

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
        if case_insensitive {
            w.push(" LIKE ");
            w.bind(Value::Text(super::like_pattern(needle, kind)));
            w.push(" ESCAPE '!')");
        } else {
            w.push(" GLOB ");
            w.bind(Value::Text(glob_pattern(needle, kind)));
            w.push(")");
        }
        Ok(())
    }

    fn limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (None, Some(offset)) => {
                w.push(" LIMIT -1 OFFSET ");
                w.bind(Value::I64(i64::try_from(offset).unwrap_or(i64::MAX)));
            }
            _ => {
                if let Some(limit) = limit {
                    w.push(" LIMIT ");
                    w.bind(Value::I64(i64::try_from(limit).unwrap_or(i64::MAX)));
                }
                if let Some(offset) = offset {
                    w.push(" OFFSET ");
                    w.bind(Value::I64(i64::try_from(offset).unwrap_or(i64::MAX)));
                }
            }
        }
    }

    fn explain_prefix(&self) -> &'static str {
        "EXPLAIN QUERY PLAN "
    }

    fn json(&self, w: &mut SqlWriter, node: &JsonNode) -> Result<()> {
        json(w, node)
    }

    fn search(&self, w: &mut SqlWriter, node: &SearchNode) -> Result<()> {
        search(w, node)
    }

    fn search_after(&self, t: &CreateTable) -> Result<Vec<RenderedSql>> {
        search_after(t)
    }

    fn drop_search(&self, table: &str) -> Result<Vec<RenderedSql>> {
        drop_search(table)
    }
}

/// A GLOB pattern matching `needle` literally: `*`, `?` and `[` are bracketed.
fn glob_pattern(needle: &str, kind: LikeKind) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    if kind == LikeKind::Contains || kind == LikeKind::EndsWith {
        out.push('*');
    }
    for c in needle.chars() {
        match c {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            _ => out.push(c),
        }
    }
    if kind == LikeKind::Contains || kind == LikeKind::StartsWith {
        out.push('*');
    }
    out
}

/// JSON through the JSON1 functions: `json_type` tells the JSON type at a path, `json_extract`
/// gives it as an SQL value, `->` as JSON text, `json_each` walks arrays.
pub(super) fn json(w: &mut SqlWriter, node: &JsonNode) -> Result<()> {
    let path = |p: &[PathSegment]| super::dollar_path(Dialect::Sqlite, p).map(Value::Text);
    match node {
        JsonNode::Extract { column, path: p } => {
            w.push("(");
            w.ident(column);
            w.push(" -> ");
            w.bind(path(p)?);
            w.push(")");
        }
        JsonNode::SortKey { column, path: p } => func(w, "json_extract", column, path(p)?),
        JsonNode::Scalar {
            column,
            path: p,
            kind,
        } => {
            let p = path(p)?;
            match kind {
                JsonKind::Bool => {
                    w.push("(CASE ");
                    func(w, "json_type", column, p);
                    w.push(" WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)");
                }
                JsonKind::Text | JsonKind::Number => {
                    w.push("(CASE WHEN ");
                    func(w, "json_type", column, p.clone());
                    w.push(if *kind == JsonKind::Text {
                        " = 'text'"
                    } else {
                        " IN ('integer', 'real')"
                    });
                    w.push(" THEN ");
                    func(w, "json_extract", column, p);
                    w.push(" END)");
                }
            }
        }
        JsonNode::Compare {
            column,
            path: p,
            op,
            value,
        } => {
            let p = path(p)?;
            w.push("(");
            func(w, "json_type", column, p.clone());
            match value {
                serde_json::Value::Bool(b) => {
                    let wanted = if *op == CmpOp::Eq { *b } else { !*b };
                    w.push(if wanted { " = 'true'" } else { " = 'false'" });
                }
                other => {
                    let (types, bound) = scalar(other);
                    w.push(types);
                    w.push(" AND ");
                    func(w, "json_extract", column, p);
                    w.push(super::cmp_op(*op));
                    w.bind(bound);
                }
            }
            w.push(")");
        }
        JsonNode::IsNull { column, path: p } => {
            w.push("(");
            func(w, "json_type", column, path(p)?);
            w.push(" = 'null')");
        }
        JsonNode::Exists { column, path: p } => {
            w.push("(");
            func(w, "json_type", column, path(p)?);
            w.push(" IS NOT NULL)");
        }
        JsonNode::Contains {
            column,
            path: p,
            value,
        } => {
            let mut aliases = 0;
            contains(w, &Doc::Column(column), p, value, true, &mut aliases)?;
        }
        JsonNode::Set {
            column,
            path: p,
            value,
        } => {
            if p.is_empty() {
                w.push("json(");
                w.bind(Value::Text(value.to_string()));
                w.push(")");
            } else {
                w.push("json_set(");
                w.ident(column);
                w.push(", ");
                w.bind(path(p)?);
                w.push(", json(");
                w.bind(Value::Text(value.to_string()));
                w.push("))");
            }
        }
        JsonNode::Invalid(message) => {
            return Err(crate::error::Error::invalid_query(message.clone()));
        }
    }
    Ok(())
}

/// `name("column", ?)`.
fn func(w: &mut SqlWriter, name: &str, column: &str, path: Value) {
    w.push(name);
    w.push("(");
    w.ident(column);
    w.push(", ");
    w.bind(path);
    w.push(")");
}

/// The `json_type` test and the bound value for a JSON string or number.
fn scalar(value: &serde_json::Value) -> (&'static str, Value) {
    match value {
        serde_json::Value::String(s) => (" = 'text'", Value::Text(s.clone())),
        serde_json::Value::Number(n) => (
            " IN ('integer', 'real')",
            n.as_i64()
                .map(Value::I64)
                .unwrap_or_else(|| Value::F64(n.as_f64().unwrap_or(f64::NAN))),
        ),
        _ => (" = 'null'", Value::Null(SqlType::Text)),
    }
}

/// The JSON document a containment test looks into: a column, or an element of an array met
/// on the way (a `json_each` row, whose `value` is JSON text for containers).
enum Doc<'a> {
    Column(&'a str),
    Element(String),
}

impl Doc<'_> {
    fn write(&self, w: &mut SqlWriter) {
        match self {
            Doc::Column(c) => w.ident(c),
            Doc::Element(alias) => {
                w.push(alias);
                w.push(".value");
            }
        }
    }

    fn call(&self, w: &mut SqlWriter, name: &str, path: &[PathSegment]) -> Result<()> {
        w.push(name);
        w.push("(");
        self.write(w);
        w.push(", ");
        w.bind(Value::Text(super::dollar_path(Dialect::Sqlite, path)?));
        w.push(")");
        Ok(())
    }
}

/// PostgreSQL's `@>` written with JSON1: objects contain the given members recursively,
/// arrays contain each given element somewhere, scalars are equal (a top-level array also
/// contains a scalar).
fn contains(
    w: &mut SqlWriter,
    doc: &Doc<'_>,
    path: &[PathSegment],
    candidate: &serde_json::Value,
    top: bool,
    aliases: &mut usize,
) -> Result<()> {
    match candidate {
        serde_json::Value::Object(members) => {
            w.push("(");
            doc.call(w, "json_type", path)?;
            w.push(" = 'object'");
            for (key, value) in members {
                w.push(" AND ");
                let mut inner = path.to_vec();
                inner.push(PathSegment::Key(key.clone()));
                contains(w, doc, &inner, value, false, aliases)?;
            }
            w.push(")");
        }
        serde_json::Value::Array(items) => {
            w.push("(");
            doc.call(w, "json_type", path)?;
            w.push(" = 'array'");
            for item in items {
                w.push(" AND ");
                exists_element(w, doc, path, item, aliases)?;
            }
            w.push(")");
        }
        scalar_value => {
            w.push("((");
            scalar_at(w, doc, path, scalar_value)?;
            w.push(")");
            if top {
                w.push(" OR (");
                doc.call(w, "json_type", path)?;
                w.push(" = 'array' AND ");
                exists_element(w, doc, path, scalar_value, aliases)?;
                w.push(")");
            }
            w.push(")");
        }
    }
    Ok(())
}

/// The scalar at `path` equals `value`, with the same JSON type.
fn scalar_at(
    w: &mut SqlWriter,
    doc: &Doc<'_>,
    path: &[PathSegment],
    value: &serde_json::Value,
) -> Result<()> {
    doc.call(w, "json_type", path)?;
    match value {
        serde_json::Value::Bool(true) => w.push(" = 'true'"),
        serde_json::Value::Bool(false) => w.push(" = 'false'"),
        serde_json::Value::Null => w.push(" = 'null'"),
        other => {
            let (types, bound) = scalar(other);
            w.push(types);
            w.push(" AND ");
            doc.call(w, "json_extract", path)?;
            w.push(" = ");
            w.bind(bound);
        }
    }
    Ok(())
}

/// Some element of the array at `path` contains `item`.
fn exists_element(
    w: &mut SqlWriter,
    doc: &Doc<'_>,
    path: &[PathSegment],
    item: &serde_json::Value,
    aliases: &mut usize,
) -> Result<()> {
    *aliases += 1;
    let alias = format!("je{aliases}");
    w.push("EXISTS (SELECT 1 FROM ");
    doc.call(w, "json_each", path)?;
    w.push(" AS ");
    w.push(&alias);
    w.push(" WHERE ");
    match item {
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
            contains(w, &Doc::Element(alias), &[], item, false, aliases)?;
        }
        serde_json::Value::Bool(b) => {
            w.push(&alias);
            w.push(if *b {
                ".type = 'true'"
            } else {
                ".type = 'false'"
            });
        }
        serde_json::Value::Null => {
            w.push(&alias);
            w.push(".type = 'null'");
        }
        other => {
            let (types, bound) = scalar(other);
            w.push(&alias);
            w.push(".type");
            w.push(types);
            w.push(" AND ");
            w.push(&alias);
            w.push(".atom = ");
            w.bind(bound);
        }
    }
    w.push(")");
    Ok(())
}

/// The FTS5 table beside `table`.
fn fts_table(table: &str) -> String {
    format!("{table}_fts")
}

/// FTS5 MATCH syntax: every word quoted (so `AND`, `NEAR`, `*` typed inside words are text).
const FTS5: QuerySyntax = QuerySyntax {
    term: |term, _| match term {
        Term::Word(w) => format!("\"{w}\""),
        Term::Prefix(w) => format!("\"{w}\" *"),
        Term::Phrase(words) => format!("\"{}\"", words.join(" ")),
    },
    or: |terms| format!("({})", terms.join(" OR ")),
    and: " AND ",
    not: " NOT ",
};

/// bm25 weight of each search weight, in the ratio PostgreSQL's `ts_rank` uses.
fn bm25_weight(weight: char) -> &'static str {
    match weight {
        'A' => "1.0",
        'B' => "0.4",
        'C' => "0.2",
        _ => "0.1",
    }
}

pub(super) fn search(w: &mut SqlWriter, s: &SearchNode) -> Result<()> {
    let Some(key) = s.key else {
        return Err(Error::unsupported(
            Dialect::Sqlite,
            format!(
                "full-text search on `{}` (FTS5 needs a single integer primary key)",
                s.table
            ),
        ));
    };
    let fts = fts_table(s.table);
    if s.query.is_empty() {
        // A query with no required term matches nothing, on every backend.
        w.push(match s.part {
            SearchPart::Matches => "(1 = 0)",
            SearchPart::Rank => "0.0",
            _ => "NULL",
        });
        return Ok(());
    }
    let matching = |w: &mut SqlWriter| {
        w.push(" FROM ");
        w.ident(&fts);
        w.push(" WHERE ");
        w.ident(&fts);
        w.push(" MATCH ");
        w.bind(Value::Text(FTS5.write(&s.query)));
    };
    let this_row = |w: &mut SqlWriter| {
        w.push(" AND rowid = ");
        w.ident(s.table);
        w.push(".");
        w.ident(key);
        w.push(")");
    };
    let column_index = |column: &str| {
        s.def
            .columns
            .iter()
            .position(|c| c.name == column)
            .ok_or_else(|| {
                Error::invalid_query(format!(
                    "`{column}` is not a searchable column of {}",
                    s.table
                ))
            })
    };
    match &s.part {
        SearchPart::Matches => {
            w.push("(");
            w.ident(key);
            w.push(" IN (SELECT rowid");
            matching(w);
            w.push("))");
        }
        SearchPart::Rank => {
            // bm25 is lower for better matches; negated so that higher is better everywhere.
            w.push("(SELECT -bm25(");
            w.ident(&fts);
            for column in s.def.columns {
                w.push(", ");
                w.push(bm25_weight(column.weight));
            }
            w.push(")");
            matching(w);
            this_row(w);
        }
        SearchPart::Highlight { column, start, end } => {
            let index = column_index(column)?;
            w.push("(SELECT highlight(");
            w.ident(&fts);
            w.push(&format!(", {index}, "));
            w.bind(Value::Text(start.clone()));
            w.push(", ");
            w.bind(Value::Text(end.clone()));
            w.push(")");
            matching(w);
            this_row(w);
        }
        SearchPart::Snippet {
            column,
            start,
            end,
            words,
        } => {
            let index = column_index(column)?;
            w.push("(SELECT snippet(");
            w.ident(&fts);
            w.push(&format!(", {index}, "));
            w.bind(Value::Text(start.clone()));
            w.push(", ");
            w.bind(Value::Text(end.clone()));
            w.push(", '…', ");
            w.bind(Value::I64(i64::from((*words).clamp(1, 64))));
            w.push(")");
            matching(w);
            this_row(w);
        }
    }
    Ok(())
}

/// The FTS5 external-content table over the searched columns, the triggers that keep it in
/// sync, and a rebuild so rows already in the table are searchable.
pub(super) fn search_after(t: &CreateTable) -> Result<Vec<RenderedSql>> {
    let Some(def) = t.search else {
        return Ok(Vec::new());
    };
    let keys: Vec<&ColumnDef> = t.columns.iter().filter(|c| c.primary_key).collect();
    let key = match keys.as_slice() {
        [key] if key.sql_type.is_integer() => key.name,
        _ => {
            return Err(Error::unsupported(
                Dialect::Sqlite,
                format!(
                    "full-text search on `{}` (FTS5 needs a single integer primary key)",
                    t.table
                ),
            ));
        }
    };
    let fts = fts_table(&t.table);
    let columns: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
    let render = |build: &dyn Fn(&mut SqlWriter)| {
        Dialect::Sqlite.render(|_, w| {
            build(w);
            Ok(())
        })
    };
    let list = |w: &mut SqlWriter, prefix: &str| {
        for c in &columns {
            w.push(", ");
            w.push(prefix);
            w.ident(c);
        }
    };
    let insert_new = |w: &mut SqlWriter| {
        w.push("INSERT INTO ");
        w.ident(&fts);
        w.push("(rowid");
        list(w, "");
        w.push(") VALUES (new.");
        w.ident(key);
        list(w, "new.");
        w.push(");");
    };
    let delete_old = |w: &mut SqlWriter| {
        w.push("INSERT INTO ");
        w.ident(&fts);
        w.push("(");
        w.ident(&fts);
        w.push(", rowid");
        list(w, "");
        w.push(") VALUES ('delete', old.");
        w.ident(key);
        list(w, "old.");
        w.push(");");
    };
    let trigger = |w: &mut SqlWriter, suffix: &str, event: &str| {
        w.push("CREATE TRIGGER IF NOT EXISTS ");
        w.ident(&format!("{fts}_{suffix}"));
        w.push(&format!(" AFTER {event} ON "));
        w.ident(&t.table);
        w.push(" BEGIN ");
    };
    Ok(vec![
        render(&|w| {
            w.push("CREATE VIRTUAL TABLE IF NOT EXISTS ");
            w.ident(&fts);
            w.push(" USING fts5(");
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.ident(c);
            }
            w.push(&format!(
                ", content={}, content_rowid={}, tokenize='unicode61 remove_diacritics 2')",
                sql_literal(&t.table),
                sql_literal(key)
            ));
        })?,
        render(&|w| {
            trigger(w, "ai", "INSERT");
            insert_new(w);
            w.push(" END");
        })?,
        render(&|w| {
            trigger(w, "ad", "DELETE");
            delete_old(w);
            w.push(" END");
        })?,
        render(&|w| {
            trigger(w, "au", "UPDATE");
            delete_old(w);
            w.push(" ");
            insert_new(w);
            w.push(" END");
        })?,
        render(&|w| {
            w.push("INSERT INTO ");
            w.ident(&fts);
            w.push("(");
            w.ident(&fts);
            w.push(") VALUES ('rebuild')");
        })?,
    ])
}

pub(super) fn drop_search(table: &str) -> Result<Vec<RenderedSql>> {
    let fts = fts_table(table);
    let mut out = Vec::new();
    for suffix in ["ai", "ad", "au"] {
        out.push(Dialect::Sqlite.render(|_, w| {
            w.push("DROP TRIGGER IF EXISTS ");
            w.ident(&format!("{fts}_{suffix}"));
            Ok(())
        })?);
    }
    out.push(Dialect::Sqlite.render(|_, w| {
        w.push("DROP TABLE IF EXISTS ");
        w.ident(&fts);
        Ok(())
    })?);
    Ok(out)
}
