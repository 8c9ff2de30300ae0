//! MySQL/MariaDB: backtick quoting, no RETURNING (ids from LAST_INSERT_ID), and binary
//! comparison of text so `eq`/`contains` are case-sensitive under the default collations.

use super::{GeneratedIds, QuerySyntax, SqlDialect, SqlWriter, cmp_op};
use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{AggFunc, ArithOp, CmpOp, LikeKind, Node};
use crate::failed_row::{Clue, between};
use crate::json::{JsonKind, JsonNode, PathSegment};
use crate::model::ColumnDef;
use crate::search::{SearchNode, SearchPart, Term};
use crate::stmt::{BulkUpdate, ConflictAction, CreateTable, OnConflict, Select};
use crate::value::{SqlType, Value};

pub(crate) struct Mysql;

impl SqlDialect for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn supports_returning(&self) -> bool {
        false
    }

    /// The message names a NOT NULL column, or a duplicate key's value
    /// (`Duplicate entry 'a-1' for key …`), never its columns.
    fn constraint_clue(
        &self,
        kind: ErrorKind,
        message: &str,
        _detail: Option<&str>,
    ) -> Option<Clue> {
        match kind {
            ErrorKind::NotNullViolation => between(message, "Column '", "' cannot be null")
                .map(|c| Clue::NotNull(c.to_owned())),
            ErrorKind::UniqueViolation => {
                let rest = message.strip_prefix("Duplicate entry '")?;
                let end = rest.rfind("' for key ")?;
                Some(Clue::Unique {
                    columns: None,
                    value: Some(rest[..end].to_owned()),
                })
            }
            _ => None,
        }
    }

    fn message_key_separator(&self) -> &'static str {
        "-"
    }

    /// MariaDB cuts entries past 64 characters short.
    fn message_key_matches(&self, rendered: &str, reported: &str) -> bool {
        rendered == reported || (reported.chars().count() >= 64 && rendered.starts_with(reported))
    }

    fn bind_limit(&self) -> usize {
        65_535
    }

    /// MariaDB parses and plans a 65k-value INSERT 1.1–1.9× slower per row than statements of
    /// about a thousand rows (bench/, docs/performance.md).
    fn bulk_statement_params(&self) -> usize {
        4_096
    }

    fn generated_ids(&self) -> GeneratedIds {
        GeneratedIds::FirstId
    }

    fn search(&self, w: &mut SqlWriter, node: &SearchNode) -> Result<()> {
        search(w, node)
    }

    fn search_columns(&self, w: &mut SqlWriter, t: &CreateTable) -> Result<()> {
        search_columns(w, t);
        Ok(())
    }

    fn column_suffix(&self, w: &mut SqlWriter, t: &CreateTable, column: &ColumnDef) {
        // The tables' binary collation would make FULLTEXT matching case-sensitive: searched
        // columns use a case-insensitive one (text comparisons cast to bytes anyway).
        if t.search
            .is_some_and(|def| def.columns.iter().any(|c| c.name == column.name))
        {
            w.push(" COLLATE utf8mb4_unicode_ci");
        }
    }

    fn json(&self, w: &mut SqlWriter, node: &JsonNode) -> Result<()> {
        json(w, node)
    }

    fn quote_ident(&self, out: &mut String, name: &str) {
        out.push('`');
        for c in name.chars() {
            if c == '`' {
                out.push('`');
            }
            out.push(c);
        }
        out.push('`');
    }

    fn column_type(&self, column: &ColumnDef) -> String {
        match column.sql_type {
            SqlType::Bool => "TINYINT(1)",
            SqlType::I16 => "SMALLINT",
            SqlType::I32 => "INT",
            SqlType::I64 => "BIGINT",
            SqlType::F32 => "FLOAT",
            SqlType::F64 => "DOUBLE",
            // Indexed text needs a bounded length.
            SqlType::Text if column.is_keyed() => "VARCHAR(255)",
            SqlType::Text => "LONGTEXT",
            SqlType::Bytes if column.is_keyed() => "VARBINARY(255)",
            SqlType::Bytes => "LONGBLOB",
            SqlType::DateTime | SqlType::NaiveDateTime => "DATETIME(6)",
            SqlType::Date => "DATE",
            SqlType::Json => "JSON",
        }
        .to_owned()
    }

    fn auto_increment_column(&self, w: &mut SqlWriter, column: &ColumnDef) {
        w.ident(column.name);
        w.push(" ");
        w.push(&self.column_type(column));
        w.push(" NOT NULL AUTO_INCREMENT PRIMARY KEY");
    }

    fn arith_op(&self, op: ArithOp, ty: SqlType) -> &'static str {
        match op {
            // MySQL's `/` yields a DECIMAL even for integers.
            ArithOp::Div if ty.is_integer() => " DIV ",
            ArithOp::Add => " + ",
            ArithOp::Sub => " - ",
            ArithOp::Mul => " * ",
            ArithOp::Div => " / ",
            ArithOp::Rem => " % ",
        }
    }

    fn aggregate(
        &self,
        w: &mut SqlWriter,
        func: AggFunc,
        arg: Option<&Node>,
        arg_type: SqlType,
    ) -> Result<()> {
        // SUM of integers and AVG are DECIMAL on MySQL: cast to what Rust decodes.
        match func {
            // As text: CAST(… AS SIGNED) would saturate silently past the i64 range; the text is
            // parsed on decoding, where an overflow is an error.
            AggFunc::Sum if arg_type.is_integer() => self.cast_aggregate(w, func, arg, "CHAR"),
            AggFunc::Sum | AggFunc::Avg => self.cast_aggregate(w, func, arg, "DOUBLE"),
            _ => self.aggregate_call(w, func, arg),
        }
    }

    fn generated_id_step_sql(&self) -> Option<&'static str> {
        Some("SELECT CAST(@@auto_increment_increment AS SIGNED)")
    }

    fn subquery(&self, w: &mut SqlWriter, select: &Select) -> Result<()> {
        // MySQL refuses LIMIT inside IN (…) (and a subquery on the table being changed):
        // a derived table lifts both restrictions.
        if select.limit.is_some() || select.offset.is_some() {
            w.push("SELECT * FROM (");
            self.select(w, select)?;
            w.push(") AS ");
            w.ident("in_sub");
            return Ok(());
        }
        self.select(w, select)
    }

    fn on_conflict(&self, w: &mut SqlWriter, c: &OnConflict) -> Result<()> {
        // MySQL reacts to a conflict on any unique key; the target columns only serve DO NOTHING,
        // spelled as a no-op assignment.
        w.push(" ON DUPLICATE KEY UPDATE ");
        match &c.action {
            ConflictAction::Update(columns) if !columns.is_empty() => {
                let Some((_, deleted_at)) = c.live_only else {
                    w.comma(columns, |w, col| {
                        w.ident(col);
                        w.push(" = VALUES(");
                        w.ident(col);
                        w.push(")");
                        Ok(())
                    })?;
                    return Ok(());
                };
                // A soft-deleted row is left as it is: each assignment keeps the old value unless
                // the row is live; the deletion column goes last, since MySQL assigns in order.
                let mut ordered: Vec<&str> = columns
                    .iter()
                    .copied()
                    .filter(|c| *c != deleted_at)
                    .collect();
                if columns.contains(&deleted_at) {
                    ordered.push(deleted_at);
                }
                w.comma(&ordered, |w, col| {
                    w.ident(col);
                    w.push(" = IF(");
                    w.ident(deleted_at);
                    w.push(" IS NULL, VALUES(");
                    w.ident(col);
                    w.push("), ");
                    w.ident(col);
                    w.push(")");
                    Ok(())
                })?;
            }
            _ => {
                let Some(col) = c.columns.first() else {
                    return Err(crate::error::Error::invalid_query(
                        "an upsert needs a conflict column",
                    ));
                };
                w.ident(col);
                w.push(" = ");
                w.ident(col);
            }
        }
        Ok(())
    }

    /// `UPDATE t JOIN (SELECT k, c FROM t WHERE 1 = 0 UNION ALL SELECT ?, ? …) AS v ON t.k = v.k
    /// SET t.c = v.c`. The empty first SELECT gives the derived table the target columns' own
    /// types: typed from bare placeholders, MariaDB truncates text and JSON past 64 KiB.
    fn bulk_update_with(
        &self,
        w: &mut SqlWriter,
        s: &BulkUpdate,
        rows: usize,
        row: &mut dyn FnMut(&mut SqlWriter, usize) -> Result<()>,
    ) -> Result<()> {
        let names: Vec<&str> = s.keys.iter().chain(&s.columns).copied().collect();
        w.push("UPDATE ");
        w.ident(s.table);
        w.push(" JOIN (SELECT ");
        w.comma(&names, |w, n| {
            w.ident(n);
            Ok(())
        })?;
        w.push(" FROM ");
        w.ident(s.table);
        w.push(" WHERE 1 = 0");
        for r in 0..rows {
            w.push(" UNION ALL SELECT ");
            row(w, r)?;
        }
        w.push(") AS ");
        w.ident("v");
        w.push(" ON ");
        self.bulk_update_join(w, s)?;
        w.push(" SET ");
        w.comma(&s.columns, |w, c| {
            w.ident(s.table);
            w.push(".");
            w.ident(c);
            w.push(" = ");
            w.ident("v");
            w.push(".");
            w.ident(c);
            Ok(())
        })
    }

    fn compare(
        &self,
        w: &mut SqlWriter,
        op: CmpOp,
        lhs: &Node,
        rhs: &Node,
        ty: SqlType,
    ) -> Result<()> {
        match (op, ty) {
            (CmpOp::Eq, SqlType::Text) => {
                // The first test can use an index under the column's (case-insensitive)
                // collation; the binary one makes the result case- and space-exact.
                w.push("(");
                w.expr(lhs)?;
                w.push(" = ");
                w.expr(rhs)?;
                w.push(" AND ");
                binary(w, lhs)?;
                w.push(" = ");
                binary(w, rhs)?;
                w.push(")");
            }
            (_, SqlType::Text) => {
                w.push("(");
                binary(w, lhs)?;
                w.push(cmp_op(op));
                binary(w, rhs)?;
                w.push(")");
            }
            _ => {
                w.push("(");
                w.expr(lhs)?;
                w.push(cmp_op(op));
                w.expr(rhs)?;
                w.push(")");
            }
        }
        Ok(())
    }

    fn in_list(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        values: &[Value],
        ty: SqlType,
        negated: bool,
    ) -> Result<()> {
        let text = ty == SqlType::Text;
        w.push("(");
        if text {
            binary(w, expr)?;
        } else {
            w.expr(expr)?;
        }
        w.push(if negated { " NOT IN (" } else { " IN (" });
        w.comma(values, |w, v| {
            if text {
                w.push("CAST(");
                w.bind(v.clone());
                w.push(" AS BINARY)");
            } else {
                w.bind(v.clone());
            }
            Ok(())
        })?;
        w.push("))");
        Ok(())
    }

    fn like(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        needle: &str,
        kind: LikeKind,
        case_insensitive: bool,
    ) -> Result<()> {
        let pattern = Value::Text(super::like_pattern(needle, kind));
        w.push("(");
        if case_insensitive {
            // Lower-cased, then compared as bytes: case is ignored, accents are not (as on the
            // other backends), whatever the column's collation.
            w.push("CAST(LOWER(");
            w.expr(expr)?;
            w.push(") AS BINARY) LIKE CAST(LOWER(");
            w.bind(pattern);
            w.push(") AS BINARY)");
        } else {
            binary(w, expr)?;
            w.push(" LIKE CAST(");
            w.bind(pattern);
            w.push(" AS BINARY)");
        }
        w.push(" ESCAPE '!')");
        Ok(())
    }

    fn limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        if limit.is_some() || offset.is_some() {
            w.push(" LIMIT ");
            match limit {
                Some(limit) => w.bind(Value::I64(i64::try_from(limit).unwrap_or(i64::MAX))),
                // MySQL has no OFFSET without LIMIT; this is its documented "all rows".
                None => w.push("18446744073709551615"),
            }
        }
        if let Some(offset) = offset {
            w.push(" OFFSET ");
            w.bind(Value::I64(i64::try_from(offset).unwrap_or(i64::MAX)));
        }
    }

    fn insert_default_values(&self, w: &mut SqlWriter, rows: usize) -> Result<()> {
        w.push(" () VALUES ");
        for i in 0..rows {
            if i > 0 {
                w.push(", ");
            }
            w.push("()");
        }
        Ok(())
    }

    fn between(
        &self,
        w: &mut SqlWriter,
        expr: &Node,
        low: &Node,
        high: &Node,
        ty: SqlType,
    ) -> Result<()> {
        let text = ty == SqlType::Text;
        let side =
            |w: &mut SqlWriter, node: &Node| if text { binary(w, node) } else { w.expr(node) };
        w.push("(");
        side(w, expr)?;
        w.push(" BETWEEN ");
        side(w, low)?;
        w.push(" AND ");
        side(w, high)?;
        w.push(")");
        Ok(())
    }

    fn create_table(&self, t: &CreateTable) -> Result<Vec<RenderedSql>> {
        // MySQL has no CREATE INDEX IF NOT EXISTS: indexes are part of CREATE TABLE.
        let sql = self.dialect().render(|_, w| {
            self.create_table_statement(w, t, true)?;
            // Binary collation: text keys and comparisons are case-sensitive, as on the other backends.
            w.push(" DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            Ok(())
        })?;
        Ok(vec![sql])
    }
}

fn binary(w: &mut SqlWriter, node: &Node) -> Result<()> {
    w.push("CAST(");
    w.expr(node)?;
    w.push(" AS BINARY)");
    Ok(())
}

/// MySQL/MariaDB JSON functions: `JSON_EXTRACT` with a bound `$."key"[0]` path, `JSON_TYPE`
/// so only values of the same JSON type compare, strings compared as bytes.
pub(super) fn json(w: &mut SqlWriter, node: &JsonNode) -> Result<()> {
    const NUMBER_TYPES: &str = " IN ('INTEGER', 'DOUBLE', 'DECIMAL', 'UNSIGNED INTEGER')";
    match node {
        JsonNode::Extract { column, path } | JsonNode::SortKey { column, path } => {
            extract(w, column, path)?
        }
        JsonNode::Scalar { column, path, kind } => {
            w.push("(CASE WHEN JSON_TYPE(");
            extract(w, column, path)?;
            w.push(")");
            match kind {
                JsonKind::Text => w.push(" = 'STRING' THEN JSON_UNQUOTE("),
                JsonKind::Number => w.push(&format!("{NUMBER_TYPES} THEN CAST(JSON_UNQUOTE(")),
                JsonKind::Bool => w.push(" = 'BOOLEAN' THEN (JSON_UNQUOTE("),
            }
            extract(w, column, path)?;
            w.push(match kind {
                JsonKind::Text => ")",
                JsonKind::Number => ") AS DOUBLE)",
                JsonKind::Bool => ") = 'true')",
            });
            w.push(" END)");
        }
        JsonNode::Compare {
            column,
            path,
            op,
            value,
        } => {
            w.push("(JSON_TYPE(");
            extract(w, column, path)?;
            w.push(")");
            match value {
                serde_json::Value::String(s) => {
                    w.push(" = 'STRING' AND CAST(JSON_UNQUOTE(");
                    extract(w, column, path)?;
                    w.push(") AS BINARY)");
                    w.push(cmp_op(*op));
                    w.push("CAST(");
                    w.bind(Value::Text(s.clone()));
                    w.push(" AS BINARY)");
                }
                serde_json::Value::Number(n) => {
                    w.push(NUMBER_TYPES);
                    w.push(" AND CAST(JSON_UNQUOTE(");
                    extract(w, column, path)?;
                    w.push(") AS DOUBLE)");
                    w.push(cmp_op(*op));
                    w.bind(Value::F64(n.as_f64().unwrap_or(f64::NAN)));
                }
                serde_json::Value::Bool(b) => {
                    let wanted = if *op == CmpOp::Eq { *b } else { !*b };
                    w.push(" = 'BOOLEAN' AND JSON_UNQUOTE(");
                    extract(w, column, path)?;
                    w.push(if wanted { ") = 'true'" } else { ") = 'false'" });
                }
                _ => w.push(" = 'NULL'"),
            }
            w.push(")");
        }
        JsonNode::IsNull { column, path } => {
            w.push("(JSON_TYPE(");
            extract(w, column, path)?;
            w.push(") = 'NULL')");
        }
        JsonNode::Exists { column, path } => {
            w.push("(JSON_CONTAINS_PATH(");
            w.ident(column);
            w.push(", 'one', ");
            w.bind(Value::Text(super::dollar_path(Dialect::Mysql, path)?));
            w.push(") = 1)");
        }
        JsonNode::Contains {
            column,
            path,
            value,
        } => {
            w.push("(JSON_CONTAINS(");
            extract(w, column, path)?;
            w.push(", ");
            w.bind(Value::Text(value.to_string()));
            w.push(") = 1)");
        }
        JsonNode::Set {
            column,
            path,
            value,
        } => {
            if path.is_empty() {
                w.bind(Value::Text(value.to_string()));
            } else {
                w.push("JSON_SET(");
                w.ident(column);
                w.push(", ");
                w.bind(Value::Text(super::dollar_path(Dialect::Mysql, path)?));
                w.push(", JSON_EXTRACT(");
                w.bind(Value::Text(value.to_string()));
                w.push(", '$'))");
            }
        }
        JsonNode::Invalid(message) => {
            return Err(crate::error::Error::invalid_query(message.clone()));
        }
    }
    Ok(())
}

/// `JSON_EXTRACT(column, ?)`.
fn extract(w: &mut SqlWriter, column: &str, path: &[PathSegment]) -> Result<()> {
    w.push("JSON_EXTRACT(");
    w.ident(column);
    w.push(", ");
    w.bind(Value::Text(super::dollar_path(Dialect::Mysql, path)?));
    w.push(")");
    Ok(())
}

/// BOOLEAN MODE syntax: `+word`, `+word*`, `+"a phrase"`, `+(either or)`, `-excluded`.
const BOOLEAN_MODE: QuerySyntax = QuerySyntax {
    term: |term, required| {
        let plus = if required { "+" } else { "" };
        match term {
            Term::Word(w) => format!("{plus}{w}"),
            Term::Prefix(w) => format!("{plus}{w}*"),
            Term::Phrase(words) => format!("{plus}\"{}\"", words.join(" ")),
        }
    },
    or: |terms| format!("+({})", terms.join(" ")),
    and: " ",
    not: " -",
};

/// `MATCH (cols…) AGAINST (? IN BOOLEAN MODE)`.
fn match_against(w: &mut SqlWriter, s: &SearchNode) {
    w.push("MATCH (");
    for (i, column) in s.def.columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(column.name);
    }
    w.push(") AGAINST (");
    w.bind(Value::Text(BOOLEAN_MODE.write(&s.query)));
    w.push(" IN BOOLEAN MODE)");
}

pub(super) fn search(w: &mut SqlWriter, s: &SearchNode) -> Result<()> {
    match &s.part {
        SearchPart::Matches if s.query.is_empty() => w.push("(1 = 0)"),
        SearchPart::Rank if s.query.is_empty() => w.push("CAST(0 AS DOUBLE)"),
        SearchPart::Matches => {
            w.push("(");
            match_against(w, s);
            w.push(")");
        }
        SearchPart::Rank => {
            w.push("CAST(");
            match_against(w, s);
            w.push(" AS DOUBLE)");
        }
        SearchPart::Highlight { .. } => {
            return Err(Error::unsupported(Dialect::Mysql, "search highlights"));
        }
        SearchPart::Snippet { .. } => {
            return Err(Error::unsupported(Dialect::Mysql, "search snippets"));
        }
    }
    Ok(())
}

/// `, FULLTEXT KEY … (cols…)` inside CREATE TABLE.
pub(super) fn search_columns(w: &mut SqlWriter, t: &CreateTable) {
    let Some(def) = t.search else { return };
    w.push(", FULLTEXT KEY ");
    w.ident(&format!("{}_fts", t.table));
    w.push(" (");
    for (i, column) in def.columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(column.name);
    }
    w.push(")");
}
