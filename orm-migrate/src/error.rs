//! The crate's one error type. Every failure of a migration names the migration.

use std::fmt;

/// Which way a migration was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Applying (`up`).
    Up,
    /// Rolling back (`down`).
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// `Result` with [`MigrateError`] as the default error type.
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;

/// Every error of `orm-migrate`. Messages are one line, fit for a CLI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// A statement of a migration failed. On PostgreSQL and SQLite the migration was rolled
    /// back whole; on MySQL the statements before it stay applied (DDL commits implicitly).
    /// Nothing was recorded in the history either way.
    #[error(
        "migration `{migration}` failed ({direction}) at `{}`: {source}; {}",
        one_line(statement),
        if *rolled_back {
            "it was rolled back and nothing was recorded"
        } else {
            "this backend commits DDL implicitly, so the statements before this one stay applied; nothing was recorded"
        }
    )]
    Failed {
        /// The migration's name.
        migration: String,
        /// Up or down.
        direction: Direction,
        /// The failing statement (or `data step "label"`).
        statement: String,
        /// Whether everything the migration did was rolled back.
        rolled_back: bool,
        /// The database's error (boxed: it is large, and this variant is rare).
        source: Box<orm::Error>,
    },
    /// A migration's schema changes cannot be rendered for this backend.
    #[error("migration `{migration}` cannot run on this backend: {source}")]
    Render {
        /// The migration's name.
        migration: String,
        /// What the backend cannot express.
        source: orm::Error,
    },
    /// A migration that cannot be rolled back was asked to.
    #[error("migration `{migration}` is irreversible: {reason}")]
    Irreversible {
        /// The migration's name.
        migration: String,
        /// Why, as the migration says.
        reason: String,
    },
    /// Applied migrations whose SQL changed since they were applied; `up` refuses to run
    /// unless forced.
    #[error(
        "applied migrations changed since they were applied: {}; restore them, or run up with force",
        migrations.join(", ")
    )]
    Changed {
        /// The changed migrations.
        migrations: Vec<String>,
    },
    /// Migrations recorded as applied that this program does not know; rolling back refuses to
    /// run unless forced.
    #[error(
        "the database has applied migrations this program does not know: {}; run a build that has them, or force",
        migrations.join(", ")
    )]
    UnknownApplied {
        /// Their names.
        migrations: Vec<String>,
    },
    /// A name given (`--to NAME`) is not a registered migration.
    #[error("no migration named `{name}` is registered")]
    UnknownMigration {
        /// The name.
        name: String,
    },
    /// The migration is not applied (`down --to NAME`).
    #[error("migration `{name}` is not applied")]
    NotApplied {
        /// The name.
        name: String,
    },
    /// Two registered migrations have the same name.
    #[error("migration `{name}` is registered twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// The migration lock could not be taken.
    #[error("could not take the migration lock: {reason}")]
    Lock {
        /// Why.
        reason: String,
    },
    /// A database error outside any one migration (connecting, reading the history).
    #[error("database: {0}")]
    Database(#[from] orm::Error),
    /// A file could not be written (`new`).
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The command line asks for something that cannot be done as given.
    #[error("{0}")]
    Usage(String),
}

fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}
