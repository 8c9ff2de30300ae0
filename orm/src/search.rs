//! Full-text search: one user query syntax on every backend (words, all required;
//! `"phrases"`; `-excluded`; `prefix*`; `OR`), parsed here into a small AST that each dialect
//! translates (FTS5 MATCH, `to_tsquery`, MySQL BOOLEAN MODE). Any string parses: characters
//! that are not part of that syntax only separate words, so no input causes a syntax error in
//! the backend or an operator the user did not type.

use std::future::Future;
use std::marker::PhantomData;

use crate::error::Result;
use crate::exec::{Executor, Row};
use crate::expr::Node;
use crate::field::FieldType;
use crate::model::{Model, TableDef};
use crate::query::QuerySet;
use crate::run::{self, Rows};
use crate::stmt::Select;

/// How a model is searched: its `fts(…)` columns with their weights, and the PostgreSQL
/// text-search configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchDef {
    /// Searchable columns and their weights (`'A'` highest … `'D'`).
    pub columns: &'static [SearchColumn],
    /// The PostgreSQL text-search configuration (`english` unless `fts_language` says).
    pub language: &'static str,
}

/// One searchable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchColumn {
    /// The SQL column name.
    pub name: &'static str,
    /// The weight, `'A'` (highest) to `'D'`.
    pub weight: char,
}

/// A search term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word.
    Word(String),
    /// Words starting with this text (`data*`).
    Prefix(String),
    /// Words in this order (`"query set"`).
    Phrase(Vec<String>),
}

/// A parsed user query: every clause must match (each clause is one term or several joined by
/// `OR`) and no excluded term may.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    /// Clauses that must all match; each matches when any of its terms does.
    pub required: Vec<Vec<Term>>,
    /// Terms that must not match.
    pub excluded: Vec<Term>,
}

impl SearchQuery {
    /// Parses any string. A query with no required term matches no row.
    pub fn parse(input: &str) -> SearchQuery {
        let mut query = SearchQuery::default();
        let mut pending_or = false;
        let chars: Vec<char> = input.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let at_token_start = i == 0 || !chars[i - 1].is_alphanumeric();
            let negated = c == '-'
                && at_token_start
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphanumeric() || *n == '"');
            if negated {
                i += 1;
            }
            let term = if chars.get(i) == Some(&'"') {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"')
                    .map_or(chars.len(), |p| i + 1 + p);
                let words = words_of(&chars[i + 1..end]);
                i = end + 1;
                match words.len() {
                    0 => None,
                    1 => words.into_iter().next().map(Term::Word),
                    _ => Some(Term::Phrase(words)),
                }
            } else if chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                let start = i;
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word == "OR" && !negated {
                    pending_or = !query.required.is_empty();
                    continue;
                }
                if chars.get(i) == Some(&'*') {
                    i += 1;
                    Some(Term::Prefix(word))
                } else {
                    Some(Term::Word(word))
                }
            } else {
                i += 1;
                None
            };
            let Some(term) = term else { continue };
            if negated {
                query.excluded.push(term);
                pending_or = false;
            } else if pending_or {
                if let Some(last) = query.required.last_mut() {
                    last.push(term);
                }
                pending_or = false;
            } else {
                query.required.push(vec![term]);
            }
        }
        query
    }

    /// Whether the query can match anything (it has a required term).
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }
}

/// Runs of letters and digits: the words of a phrase.
fn words_of(chars: &[char]) -> Vec<String> {
    chars
        .split(|c| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.iter().collect())
        .collect()
}

/// What a search node computes.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchPart {
    /// The row matches (a filter).
    Matches,
    /// The relevance, higher is better, as `f64`.
    Rank,
    /// The column's text with the matches wrapped in `start`/`end`.
    Highlight {
        /// The column.
        column: &'static str,
        /// Inserted before each match.
        start: String,
        /// Inserted after each match.
        end: String,
    },
    /// A short extract of the column around the matches, matches wrapped in `start`/`end`.
    Snippet {
        /// The column.
        column: &'static str,
        /// Inserted before each match.
        start: String,
        /// Inserted after each match.
        end: String,
        /// About how many words the extract holds.
        words: u32,
    },
}

/// A full-text search expression over one model's table; the dialects render it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchNode {
    /// The table.
    pub table: &'static str,
    /// Its single primary-key column (SQLite's FTS5 table is keyed by it).
    pub key: Option<&'static str>,
    /// The searchable columns and language.
    pub def: SearchDef,
    /// The parsed user query.
    pub query: SearchQuery,
    /// What to compute.
    pub part: SearchPart,
}

pub(crate) fn search_node(table: TableDef, query: &str, part: SearchPart) -> Node {
    let Some(def) = table.search else {
        return Node::Invalid(format!(
            "search needs #[orm(fts(…))] on the model; {} has no searchable columns",
            table.name
        ));
    };
    let keys: Vec<_> = table.columns.iter().filter(|c| c.primary_key).collect();
    Node::Search(Box::new(SearchNode {
        table: table.name,
        key: match keys.as_slice() {
            [key] if key.sql_type.is_integer() => Some(key.name),
            _ => None,
        },
        def,
        query: SearchQuery::parse(query),
        part,
    }))
}

/// Rows of `M`, each with one more computed value (`with_rank`, `highlight`, `snippet`).
#[must_use = "a query does nothing until `all` or `first` runs it"]
pub struct WithExtra<M: Model, T> {
    query: QuerySet<M>,
    extra: Node,
    _type: PhantomData<fn() -> T>,
}

impl<M: Model, T: FieldType> WithExtra<M, T> {
    #[inline(always)]
    pub(crate) fn new(query: QuerySet<M>, extra: Node) -> Self {
        WithExtra {
            query,
            extra,
            _type: PhantomData,
        }
    }

    #[inline(always)]
    fn select(&self) -> Select {
        let mut select = self.query.to_select();
        select.columns.push(self.extra.clone());
        select
    }

    /// Every matching row with its value.
    #[inline(always)]
    pub fn all<E: Executor>(&self, exec: E) -> impl Future<Output = Result<Vec<(M, T)>>> + Send {
        let sql = self.select().render(exec.dialect());
        run::all(exec, sql, Rows::Any, decode_with_extra::<M, T>)
    }

    /// The first matching row with its value, if any.
    #[inline(always)]
    pub fn first<E: Executor>(
        &self,
        exec: E,
    ) -> impl Future<Output = Result<Option<(M, T)>>> + Send {
        let mut select = self.select();
        select.limit = Some(1);
        let sql = select.render(exec.dialect());
        run::first(
            run::fetch(exec, sql, Rows::AtMostOne),
            decode_with_extra::<M, T>,
        )
    }
}

/// A model row followed by one more value.
#[inline(always)]
fn decode_with_extra<M: Model, T: FieldType>(row: &Row) -> Result<(M, T)> {
    Ok((M::from_row(row)?, T::decode(row, M::COLUMNS.len())?))
}
