//! The peers of one backend behind one enum: opening them on the same database, seeding,
//! and dispatching a workload to each.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use orm::{Db, Dialect};
use sqlx::ConnectOptions as _;

use super::diesel_async_peer::DieselAsyncPeer;
use super::diesel_peer::DieselPeer;
use super::orm_peer::{OrmPeer, Recorded};
use super::rusqlite_peer::RusqlitePeer;
use super::schema;
use super::sea_peer::SeaPeer;
use super::sqlx_peer::RawConn;
use super::{Batch, Workload};
use crate::measure::Result;

/// The database a suite runs on.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh in-memory database per peer, each seeded on its own.
    SqliteMemory,
    /// One WAL database file shared by every peer.
    SqliteFile(PathBuf),
    /// A PostgreSQL URL whose `search_path` is the benchmark's empty schema.
    Postgres(String),
    /// A MySQL/MariaDB URL of the benchmark's empty database.
    Mysql(String),
}

impl Target {
    /// The ORM's dialect for this database.
    pub fn dialect(&self) -> Dialect {
        match self {
            Target::SqliteMemory | Target::SqliteFile(_) => Dialect::Sqlite,
            Target::Postgres(_) => Dialect::Postgres,
            Target::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Whether each peer has a database of its own.
    pub fn is_memory(&self) -> bool {
        matches!(self, Target::SqliteMemory)
    }

    /// The URL the ORM, sqlx and SeaORM open.
    fn url(&self) -> String {
        match self {
            Target::SqliteMemory => "sqlite::memory:".into(),
            Target::SqliteFile(path) => format!("sqlite://{}?mode=rwc", path.display()),
            Target::Postgres(url) | Target::Mysql(url) => url.clone(),
        }
    }
}

/// Who runs the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerKind {
    Orm,
    Sqlx,
    SeaOrm,
    Diesel,
    DieselAsync,
    Rusqlite,
}

impl PeerKind {
    /// The name in tables and in `--only`.
    pub fn name(self) -> &'static str {
        match self {
            PeerKind::Orm => "orm",
            PeerKind::Sqlx => "sqlx",
            PeerKind::SeaOrm => "sea-orm",
            PeerKind::Diesel => "diesel",
            PeerKind::DieselAsync => "diesel-async",
            PeerKind::Rusqlite => "rusqlite",
        }
    }
}

/// Raw sqlx on one of the three backends.
pub enum Sqlx {
    Sqlite(RawConn<sqlx::Sqlite>),
    Postgres(RawConn<sqlx::Postgres>),
    Mysql(RawConn<sqlx::MySql>),
}

/// One peer, connected.
pub enum Peer {
    Orm(OrmPeer),
    Sqlx(Sqlx),
    SeaOrm(SeaPeer),
    Diesel(DieselPeer),
    DieselAsync(DieselAsyncPeer),
    Rusqlite(RusqlitePeer),
}

/// Calls the same method on whichever raw sqlx connection this is.
macro_rules! on_sqlx {
    ($sqlx:expr, $conn:ident => $body:expr) => {
        match $sqlx {
            Sqlx::Sqlite($conn) => $body,
            Sqlx::Postgres($conn) => $body,
            Sqlx::Mysql($conn) => $body,
        }
    };
}

/// Opens every peer on `target`: raw sqlx first (it seeds a shared database), then the ORM,
/// SeaORM, Diesel, and diesel-async on the servers or rusqlite on SQLite. Each holds one
/// connection.
pub async fn open_all(target: &Target) -> Result<Vec<Peer>> {
    let url = target.url();
    let sqlx = match target {
        Target::SqliteMemory | Target::SqliteFile(_) => {
            let options = match target {
                Target::SqliteFile(path) => sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
                _ => sqlx::sqlite::SqliteConnectOptions::from_str(&url)?,
            };
            let conn = options
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .row_buffer_size(crate::sqlite::ORM_ROW_BUFFER)
                .connect()
                .await?;
            Sqlx::Sqlite(RawConn::new(conn))
        }
        Target::Postgres(_) => Sqlx::Postgres(RawConn::new(
            sqlx::postgres::PgConnectOptions::from_str(&url)?
                .connect()
                .await?,
        )),
        Target::Mysql(_) => Sqlx::Mysql(RawConn::new(
            sqlx::mysql::MySqlConnectOptions::from_str(&url)?
                .connect()
                .await?,
        )),
    };
    let mut peers = vec![Peer::Sqlx(sqlx)];
    let db = Db::builder(&url).max_connections(1).connect().await?;
    peers.push(Peer::Orm(OrmPeer { db }));
    peers.push(Peer::SeaOrm(SeaPeer::open(target, &url).await?));
    peers.push(Peer::Diesel(DieselPeer::open(target)?));
    if let Some(peer) = DieselAsyncPeer::open(target).await? {
        peers.push(Peer::DieselAsync(peer));
    }
    if target.dialect() == Dialect::Sqlite {
        peers.push(Peer::Rusqlite(RusqlitePeer::open(target)?));
    }
    Ok(peers)
}

impl Peer {
    /// Which peer this is.
    pub fn kind(&self) -> PeerKind {
        match self {
            Peer::Orm(_) => PeerKind::Orm,
            Peer::Sqlx(_) => PeerKind::Sqlx,
            Peer::SeaOrm(_) => PeerKind::SeaOrm,
            Peer::Diesel(_) => PeerKind::Diesel,
            Peer::DieselAsync(_) => PeerKind::DieselAsync,
            Peer::Rusqlite(_) => PeerKind::Rusqlite,
        }
    }

    /// The ORM peer, if this is it.
    pub fn as_orm(&mut self) -> Option<&mut OrmPeer> {
        match self {
            Peer::Orm(orm) => Some(orm),
            _ => None,
        }
    }

    /// Creates the tables (the ORM's DDL) and loads the seed rows, in one transaction where the
    /// peer makes that easy.
    pub async fn seed(&mut self, dialect: Dialect) -> Result<()> {
        let create = schema::create_sql(dialect)?;
        let statements = create.into_iter().chain(schema::seed_sql());
        match self {
            Peer::Sqlx(sqlx) => on_sqlx!(sqlx, c => c.exec_in_tx(statements).await),
            Peer::Orm(orm) => {
                for sql in statements {
                    orm.exec(&sql).await?;
                }
                Ok(())
            }
            Peer::SeaOrm(sea) => sea.exec_in_tx(statements).await,
            Peer::Diesel(diesel) => diesel.exec_in_tx(statements),
            Peer::DieselAsync(_) => Err("diesel-async runs on shared databases only".into()),
            Peer::Rusqlite(rusqlite) => rusqlite.exec_in_tx(statements),
        }
    }

    /// The server or library version, from the raw sqlx connection.
    pub async fn version(&mut self) -> Result<String> {
        let Peer::Sqlx(sqlx) = self else {
            return Err("the version comes from the raw sqlx peer".into());
        };
        match sqlx {
            Sqlx::Sqlite(c) => Ok(format!(
                "SQLite {}",
                c.scalar_text("SELECT sqlite_version()").await?
            )),
            Sqlx::Postgres(c) => Ok(format!(
                "PostgreSQL {}",
                c.scalar_text("SHOW server_version").await?
            )),
            Sqlx::Mysql(c) => c.scalar_text("SELECT VERSION()").await,
        }
    }

    /// Hands the ORM's recorded SQL to the peers that reuse it (raw sqlx replays all of it;
    /// the others run its search query, and rusqlite its reads).
    pub fn give_recorded(&mut self, recorded: &Recorded) {
        match self {
            Peer::Sqlx(sqlx) => on_sqlx!(sqlx, c => c.give_recorded(recorded)),
            Peer::SeaOrm(sea) => sea.give_recorded(recorded),
            Peer::Diesel(diesel) => diesel.give_recorded(recorded),
            Peer::DieselAsync(diesel) => diesel.give_recorded(recorded),
            Peer::Rusqlite(rusqlite) => rusqlite.give_recorded(recorded),
            Peer::Orm(_) => {}
        }
    }

    /// Runs one batch of `workload`; the time of the operations only.
    pub async fn run(&mut self, workload: Workload, batch: Batch) -> Result<Duration> {
        match self {
            Peer::Orm(orm) => orm.run(workload, batch).await,
            Peer::Sqlx(sqlx) => on_sqlx!(sqlx, c => c.run(workload, batch).await),
            Peer::SeaOrm(sea) => sea.run(workload, batch).await,
            Peer::Diesel(diesel) => diesel.run(workload, batch),
            Peer::DieselAsync(diesel) => diesel.run(workload, batch).await,
            Peer::Rusqlite(rusqlite) => rusqlite.run(workload, batch),
        }
    }

    /// What the report should say about how this peer ran.
    pub fn notes(&mut self) -> Vec<String> {
        match self {
            Peer::SeaOrm(sea) => sea.notes(),
            Peer::Diesel(diesel) => diesel.notes(),
            Peer::DieselAsync(diesel) => diesel.notes(),
            _ => Vec::new(),
        }
    }

    /// Closes the connection.
    pub async fn close(self) {
        match self {
            Peer::Orm(orm) => orm.db.close().await,
            Peer::Sqlx(sqlx) => {
                use sqlx::Connection as _;
                let _ = on_sqlx!(sqlx, c => c.conn.close().await);
            }
            Peer::SeaOrm(sea) => sea.close().await,
            Peer::Diesel(_) | Peer::DieselAsync(_) | Peer::Rusqlite(_) => {}
        }
    }
}
