//! PostgreSQL `COPY … FROM STDIN` as the fast path of `bulk_create`. Owns choosing when COPY
//! applies, encoding rows in COPY's binary or text format, and learning the generated ids from
//! the sequence behind the auto-increment key. It must not build INSERTs: when COPY does not
//! apply it says so and the caller inserts as usual.
//!
//! Format: binary when the catalog says every written column has exactly the type the ORM
//! binds for it (tables made by the ORM's own DDL); text otherwise (tables whose columns are
//! `integer`, `numeric`, `varchar`, a domain, … — the server parses each field by the column's
//! type, as an INSERT's assignment cast would). On the benchmark's 100k `users` rows, binary
//! took 1.09–1.14× the time of raw sqlx binary COPY, text 1.33–1.48× (same runs, loaded
//! machine); text is what makes foreign-shaped tables work at all.
//!
//! Ids: COPY cannot return rows. The sequence's last value is read before, `currval` after;
//! with a sequence that caches one value (the default of SERIAL and IDENTITY) the values this
//! session took are exactly the range between the two iff the distance is `n × increment`.
//! Otherwise another session took values in between, and the COPY is rolled back to a
//! savepoint so the caller inserts with RETURNING instead.

mod encode;

use std::time::Instant;

use encode::{push_binary, push_text};

use crate::dialect::{Dialect, RenderedSql};
use crate::error::{Error, Result};
use crate::exec::{Executor, Tx};
use crate::model::ColumnDef;
use crate::value::{SqlType, Value};

/// Groups of fewer rows go through INSERT … VALUES without looking at the catalog: COPY
/// costs three to four more round trips (the catalog read, the savepoint, `currval`).
pub(crate) const MIN_ROWS: usize = 500;

/// Nor does COPY pay when its data is smaller than this, where Nagle's algorithm is on: the
/// closing CopyDone then waits for the server's delayed ACK (~40 ms) whenever the data went
/// out in one segment. The ORM turns Nagle off on its connections (`exec::nodelay`), which
/// took 500 and 1,000 `users` rows by COPY from 43.7 ms to 3.5 and 4.2 ms (INSERT: 4.8 ms at
/// 1,000); the guard stays for connections whose socket it cannot find (behind a proxy).
const MIN_BYTES: usize = 128 * 1024;

/// Encoded rows are handed to the socket in pieces of about this size, so the server parses
/// while the next piece is encoded.
const SEND_CHUNK: usize = 256 * 1024;

/// The rows of one `bulk_create` group: which columns the database generates, and the values
/// of the others.
pub(crate) struct CopyGroup<'a> {
    /// The table (unquoted, as in `Model::TABLE`).
    pub(crate) table: &'static str,
    /// Every column of the model.
    pub(crate) columns: &'static [ColumnDef],
    /// Indexes into `columns` the database fills in for these rows.
    pub(crate) generated: &'a [usize],
    /// Indexes into `columns` of the values each row holds, in order: the others.
    pub(crate) written: &'a [usize],
    /// The rows' values, `written.len()` per row, in pieces of `per_chunk` rows.
    pub(crate) chunks: &'a [Vec<Value>],
    pub(crate) per_chunk: usize,
    /// How many rows there are.
    pub(crate) rows: usize,
}

impl CopyGroup<'_> {
    /// The values of the `k`-th row, one per written column.
    fn row(&self, k: usize) -> &[Value] {
        let width = self.written.len();
        let start = (k % self.per_chunk) * width;
        self.chunks
            .get(k / self.per_chunk)
            .and_then(|chunk| chunk.get(start..start + width))
            .unwrap_or(&[])
    }
}

/// What [`copy_insert`] did.
#[derive(Debug, PartialEq)]
pub(crate) enum CopyOutcome {
    /// The rows are in the table. The generated auto-increment ids in input order, or empty
    /// when the group generates none.
    Inserted(Vec<i64>),
    /// Nothing was written: COPY does not apply here (too few rows, defaulted columns, a
    /// sequence COPY cannot read ids from, another session's ids interleaved, …).
    NotApplicable,
}

/// COPY's two input formats.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Binary,
    Text,
}

/// The sequence behind the auto-increment column, as read before the COPY.
#[derive(Debug)]
struct Sequence {
    /// Its schema-qualified, quoted name.
    name: String,
    increment: i64,
    /// The value before the next one it hands out: the last value given to any session, or
    /// one increment below the start when it was never used (or restarted).
    last: i64,
}

/// What the catalog says about the target table.
struct Target {
    /// The type OID of each written column, in order.
    types: Vec<u32>,
    /// Present when ids are wanted and can be read from the sequence.
    sequence: Option<Sequence>,
}

/// Inserts `group`'s rows of `values` with COPY inside `tx`, or reports that COPY does not
/// apply (then nothing was written and the caller inserts them itself). A database error
/// (a duplicate key, a NULL in a NOT NULL column) is returned as usual; the caller's
/// transaction must then be rolled back, as after a failed INSERT.
pub(crate) async fn copy_insert(tx: &mut Tx<'_>, group: CopyGroup<'_>) -> Result<CopyOutcome> {
    if tx
        .dialect()
        .copy_min_rows()
        .is_none_or(|min| group.rows < min)
    {
        return Ok(CopyOutcome::NotApplicable);
    }
    // Only the auto-increment key may be generated: other defaults need RETURNING.
    let auto = match group.generated {
        [] => None,
        [i] if group.columns[*i].auto_increment => Some(group.columns[*i].name),
        _ => return Ok(CopyOutcome::NotApplicable),
    };
    let written = group.written;
    if written.is_empty() {
        return Ok(CopyOutcome::NotApplicable);
    }
    let Some(target) = inspect(tx, &group, auto, written).await? else {
        return Ok(CopyOutcome::NotApplicable);
    };
    let format = choose_format(&group, &target.types)?;
    let copy = Copy {
        statement: copy_statement(&group, format),
        format,
        jsonb: target.types.iter().map(|&t| t == JSONB).collect(),
        group: &group,
    };
    let mut head = Vec::with_capacity(SEND_CHUNK + SEND_CHUNK / 4);
    if format == Format::Binary {
        head.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        head.extend_from_slice(&0i32.to_be_bytes()); // flags
        head.extend_from_slice(&0i32.to_be_bytes()); // header extension length
    }
    let next = copy.encode(&mut head, 0)?;
    if next == group.rows && head.len() < MIN_BYTES {
        return Ok(CopyOutcome::NotApplicable);
    }
    let Some(sequence) = target.sequence else {
        copy.run(tx, head, next).await?;
        return Ok(CopyOutcome::Inserted(Vec::new()));
    };
    let mut savepoint = tx.begin().await?;
    copy.run(&mut savepoint, head, next).await?;
    let current = currval(&mut savepoint, &sequence.name).await?;
    match sequence_range(&sequence, group.rows, current) {
        Some(ids) => {
            savepoint.commit().await?;
            Ok(CopyOutcome::Inserted(ids))
        }
        None => {
            savepoint.rollback().await?;
            Ok(CopyOutcome::NotApplicable)
        }
    }
}

/// The ids `n` rows took from `sequence` when the session's `currval` is `current`, if they
/// are the range right after the value read before the COPY; `None` if other sessions took
/// values in between.
fn sequence_range(sequence: &Sequence, n: usize, current: i64) -> Option<Vec<i64>> {
    let step = sequence.increment;
    let before = sequence.last;
    let span = step.checked_mul(i64::try_from(n).ok()?)?;
    if before.checked_add(span)? != current {
        return None;
    }
    Some((1..=n as i64).map(|k| before + k * step).collect())
}

const BOOL: u32 = 16;
const BYTEA: u32 = 17;
const INT8: u32 = 20;
const INT2: u32 = 21;
const INT4: u32 = 23;
const TEXT: u32 = 25;
const JSON: u32 = 114;
const FLOAT4: u32 = 700;
const FLOAT8: u32 = 701;
const DATE: u32 = 1082;
const TIMESTAMP: u32 = 1114;
const TIMESTAMPTZ: u32 = 1184;
const JSONB: u32 = 3802;

/// Whether a column of type `oid` takes values of `ty` in the binary form the ORM writes:
/// the type the ORM's DDL creates (or `json`, whose binary form is jsonb's without the
/// version byte).
fn binary_fits(ty: SqlType, oid: u32) -> bool {
    match ty {
        SqlType::Bool => oid == BOOL,
        SqlType::I16 => oid == INT2,
        SqlType::I32 => oid == INT4,
        SqlType::I64 => oid == INT8,
        SqlType::F32 => oid == FLOAT4,
        SqlType::F64 => oid == FLOAT8,
        SqlType::Text => oid == TEXT,
        SqlType::Bytes => oid == BYTEA,
        SqlType::DateTime => oid == TIMESTAMPTZ,
        SqlType::NaiveDateTime => oid == TIMESTAMP,
        SqlType::Date => oid == DATE,
        SqlType::Json => oid == JSONB || oid == JSON,
    }
}

/// Reads the table's kind, the written columns' types and the auto-increment sequence in one
/// round trip. `None` when COPY must not be used: not a plain or partitioned table, rewrite
/// rules (COPY ignores them), or wanted ids that the sequence cannot vouch for.
async fn inspect(
    tx: &mut Tx<'_>,
    group: &CopyGroup<'_>,
    auto: Option<&str>,
    written: &[usize],
) -> Result<Option<Target>> {
    // pg_get_serial_sequence and to_regclass parse their argument as a (quoted) name.
    let mut quoted = String::new();
    Dialect::Postgres
        .rules()
        .quote_ident(&mut quoted, group.table);
    let names = written
        .iter()
        .map(|&i| Value::Text(group.columns[i].name.to_owned()))
        .collect();
    let sql = "SELECT c.relkind::text, c.relhasrules, \
        EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), \
        (SELECT string_agg(COALESCE(a.atttypid::int8, 0)::text, ',' ORDER BY u.n) \
           FROM unnest($3::text[]) WITH ORDINALITY AS u(name, n) \
           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = u.name \
             AND a.attnum > 0 AND NOT a.attisdropped), \
        sn.nspname::text, sc.relname::text, s.seqincrement, s.seqcache, \
        has_sequence_privilege(s.seqrelid, 'USAGE'), has_sequence_privilege(s.seqrelid, 'SELECT'), \
        CASE WHEN has_sequence_privilege(s.seqrelid, 'USAGE') \
          THEN pg_sequence_last_value(s.seqrelid) END \
        FROM pg_class c \
        LEFT JOIN LATERAL (SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a \
            WHERE a.attrelid = c.oid AND a.attname = $2 AND NOT a.attisdropped) \
            THEN pg_get_serial_sequence($1, $2) END AS seq) q ON true \
        LEFT JOIN pg_sequence s ON s.seqrelid = to_regclass(q.seq) \
        LEFT JOIN pg_class sc ON sc.oid = s.seqrelid \
        LEFT JOIN pg_namespace sn ON sn.oid = sc.relnamespace \
        WHERE c.oid = to_regclass($1)";
    let auto_param = match auto {
        Some(name) => Value::Text(name.to_owned()),
        None => Value::Null(SqlType::Text),
    };
    let params = vec![
        Value::Text(quoted),
        auto_param,
        Value::List(SqlType::Text, names),
    ];
    let rows = (&mut *tx)
        .fetch_all_rows(RenderedSql::new(sql.to_owned(), params))
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let kind: String = row.try_get(0)?;
    let has_rules: bool = row.try_get(1)?;
    let has_triggers: bool = row.try_get(2)?;
    let types: Option<String> = row.try_get(3)?;
    let types: Vec<u32> = types
        .unwrap_or_default()
        .split(',')
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    if !(kind == "r" || kind == "p") || has_rules || types.contains(&0) {
        return Ok(None);
    }
    if auto.is_none() {
        return Ok(Some(Target {
            types,
            sequence: None,
        }));
    }
    // A trigger may change the key or take values of the sequence itself; a sequence caching
    // more than one value hands each session its own block, so distances prove nothing.
    let schema: Option<String> = row.try_get(4)?;
    let name: Option<String> = row.try_get(5)?;
    let cache: Option<i64> = row.try_get(7)?;
    let usable: Option<bool> = row.try_get(8)?;
    let (Some(schema), Some(name), Some(1), Some(true), false) =
        (schema, name, cache, usable, has_triggers)
    else {
        return Ok(None);
    };
    let mut qualified = String::new();
    let rules = Dialect::Postgres.rules();
    rules.quote_ident(&mut qualified, &schema);
    qualified.push('.');
    rules.quote_ident(&mut qualified, &name);
    let increment: i64 = row.try_get(6)?;
    let readable: bool = row.try_get(9)?;
    let last = match row.try_get::<Option<i64>>(10)? {
        Some(last) => last,
        // Never used since created or restarted: the next value is its stored last_value,
        // readable only from the sequence itself.
        None if readable => {
            let read = format!("SELECT last_value, is_called FROM {qualified}");
            let rows = (&mut *tx)
                .fetch_all_rows(RenderedSql::new(read, Vec::new()))
                .await?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let last: i64 = row.try_get(0)?;
            match row.try_get::<bool>(1)? {
                true => last,
                false => match last.checked_sub(increment) {
                    Some(before) => before,
                    None => return Ok(None),
                },
            }
        }
        None => return Ok(None),
    };
    Ok(Some(Target {
        types,
        sequence: Some(Sequence {
            name: qualified,
            increment,
            last,
        }),
    }))
}

/// The value the session's last `nextval` on `sequence` returned.
async fn currval(tx: &mut Tx<'_>, sequence: &str) -> Result<i64> {
    let sql = RenderedSql::new(
        "SELECT currval($1::regclass)".to_owned(),
        vec![Value::Text(sequence.to_owned())],
    );
    let rows = (&mut *tx).fetch_all_rows(sql).await?;
    let row = rows
        .first()
        .ok_or_else(|| Error::invalid_query("currval returned no row"))?;
    row.try_get(0)
}

/// Checks every value's type before anything is sent and picks the format: binary only if
/// every column and value fits it exactly. Text is checked for NUL while it is encoded
/// ([`Copy::encode`]), where its bytes are read anyway: reading every string here first cost
/// a tenth of a 100k-row COPY in cache misses.
fn choose_format(group: &CopyGroup<'_>, types: &[u32]) -> Result<Format> {
    let written = group.written;
    let mut binary = written
        .iter()
        .zip(types)
        .all(|(&i, &oid)| binary_fits(group.columns[i].sql_type, oid));
    for k in 0..group.rows {
        for ((&i, &oid), value) in written.iter().zip(types).zip(group.row(k)) {
            match value {
                Value::Unencodable(why) => {
                    return Err(Error::Encode {
                        message: why.clone(),
                    });
                }
                Value::List(..) => {
                    return Err(Error::Encode {
                        message: format!(
                            "a list cannot be stored in column `{}`",
                            group.columns[i].name
                        ),
                    });
                }
                Value::Null(_) => {}
                other => binary &= binary_fits(other.sql_type(), oid),
            }
        }
    }
    Ok(if binary { Format::Binary } else { Format::Text })
}

/// `COPY "table" ("a", "b") FROM STDIN [WITH (FORMAT binary)]`.
fn copy_statement(group: &CopyGroup<'_>, format: Format) -> String {
    let rules = Dialect::Postgres.rules();
    let mut sql = String::from("COPY ");
    rules.quote_ident(&mut sql, group.table);
    sql.push_str(" (");
    for (n, &i) in group.written.iter().enumerate() {
        if n > 0 {
            sql.push_str(", ");
        }
        rules.quote_ident(&mut sql, group.columns[i].name);
    }
    sql.push_str(") FROM STDIN");
    if format == Format::Binary {
        sql.push_str(" WITH (FORMAT binary)");
    }
    sql
}

/// One prepared COPY: its statement and what to encode.
struct Copy<'a> {
    statement: String,
    format: Format,
    /// Per written column: whether it is `jsonb` (its binary form has a version byte).
    jsonb: Vec<bool>,
    group: &'a CopyGroup<'a>,
}

impl Copy<'_> {
    /// Encodes rows from the `from`-th on into `buf` until it holds a piece to send; returns
    /// the index of the next row. The binary trailer follows the last row.
    fn encode(&self, buf: &mut Vec<u8>, from: usize) -> Result<usize> {
        let rows = self.group.rows;
        let fields = i16::try_from(self.group.written.len())
            .map_err(|_| Error::invalid_query("COPY of more than 32767 columns"))?;
        let mut next = from;
        while next < rows && buf.len() < SEND_CHUNK {
            let row = self.group.row(next);
            if let Some(n) = row.iter().position(has_nul) {
                let column = self.group.columns[self.group.written[n]].name;
                return Err(Error::Encode {
                    message: format!(
                        "PostgreSQL text cannot hold NUL (\\0) characters (column `{column}`)"
                    ),
                });
            }
            match self.format {
                Format::Binary => {
                    buf.extend_from_slice(&fields.to_be_bytes());
                    for (value, &jsonb) in row.iter().zip(&self.jsonb) {
                        push_binary(buf, value, jsonb)?;
                    }
                }
                Format::Text => {
                    for (n, value) in row.iter().enumerate() {
                        if n > 0 {
                            buf.push(b'\t');
                        }
                        push_text(buf, value)?;
                    }
                    buf.push(b'\n');
                }
            }
            next += 1;
        }
        if next == rows && from < next && self.format == Format::Binary {
            buf.extend_from_slice(&(-1i16).to_be_bytes());
        }
        Ok(next)
    }

    /// Runs the COPY: sends `head` (the rows before the `next`-th, already encoded), then the
    /// rest piece by piece. Emits the statement's `tracing` event, like every other statement.
    async fn run(&self, tx: &mut Tx<'_>, head: Vec<u8>, next: usize) -> Result<()> {
        let dialect = tx.dialect();
        let conn = tx
            .postgres_conn()
            .ok_or_else(|| Error::unsupported(dialect, "COPY FROM STDIN"))?;
        let started = Instant::now();
        let result = self.stream(conn, head, next).await;
        let copied = *result.as_ref().unwrap_or(&0);
        tracing::debug!(
            target: "orm::sql",
            sql = self.statement.as_str(),
            elapsed_us = started.elapsed().as_micros() as u64,
            rows = copied,
            ok = result.is_ok(),
            "statement"
        );
        let copied = result?;
        if copied != self.group.rows as u64 {
            return Err(Error::invalid_query(format!(
                "{} copied {copied} rows of {}",
                self.statement, self.group.rows
            )));
        }
        Ok(())
    }

    async fn stream(
        &self,
        conn: &mut sqlx::PgConnection,
        mut buf: Vec<u8>,
        mut next: usize,
    ) -> Result<u64> {
        let mut copy = conn.copy_in_raw(&self.statement).await?;
        loop {
            copy.send(buf.as_slice()).await?;
            if next == self.group.rows {
                break;
            }
            buf.clear();
            next = match self.encode(&mut buf, next) {
                Ok(next) => next,
                Err(error) => {
                    // The server discards what it got; the caller rolls its transaction back.
                    copy.abort(error.to_string()).await?;
                    return Err(error);
                }
            };
        }
        Ok(copy.finish().await?)
    }
}

/// Whether `value` is text holding a NUL, which PostgreSQL text cannot store.
fn has_nul(value: &Value) -> bool {
    matches!(value, Value::Text(text) if text.as_bytes().contains(&0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(last: i64, increment: i64) -> Sequence {
        Sequence {
            name: "s".into(),
            increment,
            last,
        }
    }

    #[test]
    fn ids_are_the_range_after_the_last_value_when_nothing_interleaved() {
        let range = |last, step, n, current| sequence_range(&sequence(last, step), n, current);
        assert_eq!(range(7, 1, 3, 10), Some(vec![8, 9, 10]));
        assert_eq!(range(0, 1, 3, 3), Some(vec![1, 2, 3]));
        assert_eq!(range(95, 5, 2, 105), Some(vec![100, 105]));
        assert_eq!(range(0, -2, 2, -4), Some(vec![-2, -4]));
    }

    #[test]
    fn an_interleaved_value_means_no_range() {
        let range = |last, step, n, current| sequence_range(&sequence(last, step), n, current);
        assert_eq!(range(7, 1, 3, 11), None);
        assert_eq!(range(0, 1, 3, 4), None);
        assert_eq!(range(i64::MAX - 1, 1, 3, 0), None);
    }
}
