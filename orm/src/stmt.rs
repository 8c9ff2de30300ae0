//! Statements as plain, backend-neutral data. The dialects render them; nothing here writes SQL.

use crate::dialect::{Dialect, RenderedSql};
use crate::error::Result;
use crate::expr::{Node, Order};
use crate::model::{ColumnDef, Model};
use crate::value::Value;

/// What a SELECT reads from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A table.
    Table(&'static str),
    /// A derived table: `(SELECT …) AS "sub"`.
    Subquery(Box<Select>),
}

/// `SELECT … FROM … WHERE … ORDER BY … LIMIT … OFFSET …`
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// The table or derived table read.
    pub from: Source,
    /// Selected expressions; empty means `*`.
    pub columns: Vec<Node>,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// The WHERE condition.
    pub filter: Option<Node>,
    /// GROUP BY keys.
    pub group_by: Vec<Node>,
    /// The HAVING condition.
    pub having: Option<Node>,
    /// ORDER BY keys.
    pub order: Vec<Order>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
}

impl Select {
    /// `SELECT * FROM table`.
    pub fn new(table: &'static str) -> Self {
        Select {
            from: Source::Table(table),
            columns: Vec::new(),
            distinct: false,
            filter: None,
            group_by: Vec::new(),
            having: None,
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// Every column of `M`, in field order (the order `Model::from_row` reads).
    pub fn all_columns<M: Model>() -> Self {
        Select::all_columns_of(M::TABLE, M::COLUMNS)
    }

    /// Every column of `columns`, in order, from `table`.
    pub(crate) fn all_columns_of(table: &'static str, columns: &[ColumnDef]) -> Self {
        let mut nodes = Vec::with_capacity(columns.len());
        for column in columns {
            nodes.push(Node::Column(column.name));
        }
        Select {
            columns: nodes,
            ..Select::new(table)
        }
    }

    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| rules.select(w, self))
    }
}

/// `INSERT INTO … (…) VALUES (…), … [RETURNING …]`
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// The table.
    pub table: &'static str,
    /// Inserted columns.
    pub columns: Vec<&'static str>,
    /// One value per column per row.
    pub rows: Vec<Vec<Value>>,
    /// Columns to return (only where the dialect supports RETURNING).
    pub returning: Vec<&'static str>,
    /// What to do when a row conflicts with an existing one (an upsert).
    pub on_conflict: Option<OnConflict>,
}

/// The conflict clause of an upsert.
#[derive(Debug, Clone, PartialEq)]
pub struct OnConflict {
    /// The unique columns whose conflict triggers the action (MySQL uses any unique key).
    pub columns: Vec<&'static str>,
    /// The action.
    pub action: ConflictAction,
    /// The predicate of a partial unique index the conflict columns belong to (soft-delete
    /// models: `deleted_at IS NULL`).
    pub predicate: Option<Node>,
    /// Soft-delete models: `(table, deleted_at column)`; a conflicting row that is soft-deleted
    /// is left as it is (the default scope applies to the upsert's update).
    pub live_only: Option<(&'static str, &'static str)>,
}

/// What an upsert does with a conflicting row.
#[derive(Debug, Clone, PartialEq)]
pub enum ConflictAction {
    /// Keep the existing row.
    DoNothing,
    /// Overwrite these columns with the values of the row being inserted.
    Update(Vec<&'static str>),
}

/// Different values per row in one statement: `UPDATE … SET c = v.c FROM (VALUES …) AS v WHERE
/// key = v.key` (a joined derived table on MySQL).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkUpdate {
    /// The table.
    pub table: &'static str,
    /// Key columns identifying each row.
    pub keys: Vec<&'static str>,
    /// Columns written.
    pub columns: Vec<&'static str>,
    /// Per row: the key values, then the column values.
    pub rows: Vec<Vec<Value>>,
    /// An extra condition on the updated table (a default scope).
    pub filter: Option<Node>,
}

impl BulkUpdate {
    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| rules.bulk_update(w, self))
    }
}

impl Insert {
    /// An insert into `table` with no columns yet.
    pub fn new(table: &'static str) -> Self {
        Insert {
            table,
            columns: Vec::new(),
            rows: Vec::new(),
            returning: Vec::new(),
            on_conflict: None,
        }
    }

    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        self.clone().into_sql(dialect)
    }

    /// Renders for `dialect`, moving the rows' values into the parameters instead of copying
    /// them.
    pub fn into_sql(mut self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| rules.insert(w, &mut self))
    }
}

/// `UPDATE … SET … WHERE …`
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The table.
    pub table: &'static str,
    /// `column = expression` pairs.
    pub sets: Vec<(&'static str, Node)>,
    /// The WHERE condition.
    pub filter: Option<Node>,
}

impl Update {
    /// An update of `table` with nothing set yet.
    pub fn new(table: &'static str) -> Self {
        Update {
            table,
            sets: Vec::new(),
            filter: None,
        }
    }

    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| rules.update(w, self))
    }
}

/// `DELETE FROM … WHERE …`
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// The table.
    pub table: &'static str,
    /// The WHERE condition.
    pub filter: Option<Node>,
}

impl Delete {
    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| rules.delete(w, self))
    }
}

/// `CREATE TABLE` with its indexes: everything a model needs. Migrations render the same.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// The table.
    pub table: String,
    /// Its columns.
    pub columns: Vec<ColumnDef>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The soft-delete column: `unique` columns are then unique among live rows only.
    pub soft_delete: Option<&'static str>,
    /// Full-text search over some columns: an FTS5 table and triggers (SQLite), a generated
    /// `tsvector` column with a GIN index (PostgreSQL), a FULLTEXT index (MySQL).
    pub search: Option<crate::search::SearchDef>,
}

impl CreateTable {
    /// The table of model `M`.
    #[inline(always)]
    pub fn for_model<M: Model>() -> Self {
        CreateTable {
            table: M::TABLE.to_owned(),
            columns: M::COLUMNS.to_vec(),
            if_not_exists: false,
            soft_delete: M::SOFT_DELETE,
            search: M::SEARCH,
        }
    }

    /// The statements creating the table and its indexes, in order.
    pub fn render(&self, dialect: Dialect) -> Result<Vec<RenderedSql>> {
        dialect.rules().create_table(self)
    }
}

/// The statements that drop model `M`'s table and what full-text search added beside it.
#[inline(always)]
pub fn drop_model_sql<M: Model>(dialect: Dialect) -> Result<Vec<RenderedSql>> {
    let mut out = Vec::new();
    if M::SEARCH.is_some() {
        out.extend(dialect.rules().drop_search(M::TABLE)?);
    }
    out.push(
        DropTable {
            table: M::TABLE.to_owned(),
            if_exists: true,
        }
        .render(dialect)?,
    );
    Ok(out)
}

/// `DROP TABLE [IF EXISTS] …`
#[derive(Debug, Clone, PartialEq)]
pub struct DropTable {
    /// The table.
    pub table: String,
    /// `IF EXISTS`.
    pub if_exists: bool,
}

impl DropTable {
    /// Renders for `dialect`.
    pub fn render(&self, dialect: Dialect) -> Result<RenderedSql> {
        dialect.render(|rules, w| {
            w.push("DROP TABLE ");
            if self.if_exists {
                w.push("IF EXISTS ");
            }
            w.ident(&self.table);
            let _ = rules;
            Ok(())
        })
    }
}
