//! The workload suite of issue 6: the ORM against raw sqlx (replaying the ORM's own SQL),
//! SeaORM, Diesel, diesel-async on the servers and rusqlite on SQLite — same process, same
//! tables, same rows.
//!
//! Workloads run one after the other; within a workload the peers run round-robin (each round
//! runs every peer once), so a burst of load from elsewhere spreads over all of them. A sample
//! is the time of a batch of operations divided by its size; tables show medians.

mod capture;
mod check;
mod diesel_async_peer;
mod diesel_peer;
mod orm_peer;
mod peer;
pub mod report;
mod rusqlite_peer;
mod schema;
mod sea_peer;
mod sqlx_peer;

use std::time::Duration;

use orm::Dialect;

use crate::measure::{Result, median};
use crate::pin::Pin;
pub use peer::{Peer, PeerKind, Target};

/// One kind of operation, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// `User::get` of a seeded user.
    GetByPk,
    /// The first `n` users (`query().limit(n)`).
    Fetch(usize),
    /// Inserting `n` users: `insert` for one, `bulk_create` for more.
    Insert(usize),
    /// Writing `name` and `hair_color` of `n` users, each its own values.
    BulkUpdate(usize),
    /// Comments per post over the 1,000,000 comments (100,000 groups).
    GroupBy,
    /// The 20 best-ranked of 100,000 posts containing two words.
    Search,
    /// Inserting `n` users into an empty table.
    BulkCreate(usize),
}

/// Every workload, in the order they run.
pub const WORKLOADS: [Workload; 10] = [
    Workload::GetByPk,
    Workload::Fetch(1),
    Workload::Fetch(100),
    Workload::Fetch(10_000),
    Workload::Insert(1),
    Workload::Insert(100),
    Workload::BulkUpdate(10_000),
    Workload::GroupBy,
    Workload::Search,
    Workload::BulkCreate(100_000),
];

impl Workload {
    /// The name in tables and in `--only`.
    pub fn label(self) -> String {
        match self {
            Workload::GetByPk => "get by pk".into(),
            Workload::Fetch(n) => format!("fetch {}", thousands(n)),
            Workload::Insert(n) => format!("insert {}", thousands(n)),
            Workload::BulkUpdate(n) => format!("bulk_update {}", thousands(n)),
            Workload::GroupBy => "group-by over 1,000,000".into(),
            Workload::Search => "full-text over 100,000".into(),
            Workload::BulkCreate(n) => format!("bulk_create {}", thousands(n)),
        }
    }

    /// Operations per sample: enough that one sample takes some milliseconds.
    fn ops(self) -> usize {
        match self {
            Workload::GetByPk | Workload::Fetch(1) => 400,
            Workload::Fetch(100) => 100,
            Workload::Fetch(_) => 3,
            Workload::Insert(1) => 200,
            Workload::Insert(_) => 20,
            Workload::Search => 30,
            Workload::BulkUpdate(_) | Workload::GroupBy | Workload::BulkCreate(_) => 1,
        }
    }

    /// Rows one operation handles, for rows/s.
    pub fn rows(self) -> usize {
        match self {
            Workload::BulkCreate(n) | Workload::BulkUpdate(n) | Workload::Insert(n) => n,
            _ => 0,
        }
    }

    /// Issue 6's ORM ÷ raw sqlx budget applies (get-by-pk, fetch 10k, insert 1 and 100).
    pub fn has_raw_budget(self) -> bool {
        matches!(
            self,
            Workload::GetByPk
                | Workload::Fetch(10_000)
                | Workload::Insert(1)
                | Workload::Insert(100)
        )
    }

    /// Whether the time is mostly round trips (a few rows each): these run pinned to one CPU
    /// when the plan says so (`pin.rs`).
    pub fn round_trip_bound(self) -> bool {
        matches!(
            self,
            Workload::GetByPk | Workload::Fetch(1 | 100) | Workload::Insert(1 | 100)
        )
    }

    /// A single-row query: issue 6 wants the ORM ≥ 1.5× faster than SeaORM here.
    pub fn single_row(self) -> bool {
        matches!(
            self,
            Workload::GetByPk | Workload::Fetch(1) | Workload::Insert(1)
        )
    }
}

/// `10000` → `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One batch of operations: round `round`, operation numbers `start..start + ops` (the
/// numbers pick the keys looked up and name the rows inserted).
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    pub round: usize,
    pub start: usize,
    pub ops: usize,
}

impl Batch {
    /// The operation numbers of this batch.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.start + self.ops
    }
}

/// Operation numbers of the untimed operations before each batch (apart from the timed ones).
const WARM_START: usize = 1 << 40;

/// The medians of one workload on one backend, per peer (`None`: the peer was not run or
/// cannot run it).
#[derive(Debug, Clone)]
pub struct Row {
    pub workload: Workload,
    pub per_op: Vec<(PeerKind, Duration)>,
    /// Why a peer has no figure, for the notes.
    pub missing: Vec<(PeerKind, String)>,
}

impl Row {
    /// The median time per operation of `peer`.
    pub fn get(&self, peer: PeerKind) -> Option<Duration> {
        self.per_op
            .iter()
            .find(|(p, _)| *p == peer)
            .map(|(_, d)| *d)
    }
}

/// Everything the suite measured on one backend.
pub struct SuiteReport {
    pub backend: &'static str,
    pub dialect: Dialect,
    pub version: String,
    pub rows: Vec<Row>,
    /// Peer versions and settings worth printing.
    pub notes: Vec<String>,
}

/// How many rounds, and which workloads and peers.
#[derive(Debug, Clone)]
pub struct SuitePlan {
    pub runs: usize,
    pub warmup: usize,
    /// `|`-separated texts: a workload runs when its label contains one of them, a peer when
    /// its name is one of them; with none naming a workload (a peer), every workload (peer)
    /// runs. `get by pk|orm|sqlx`: get by pk, ORM and raw sqlx only.
    pub only: Option<String>,
    /// Where the round-trip workloads run (`None`: unpinned).
    pub pin: Option<Pin>,
}

/// Every peer, for `--only`.
const PEERS: [PeerKind; 6] = [
    PeerKind::Orm,
    PeerKind::Sqlx,
    PeerKind::SeaOrm,
    PeerKind::Diesel,
    PeerKind::DieselAsync,
    PeerKind::Rusqlite,
];

impl SuitePlan {
    fn alternatives(&self) -> Vec<&str> {
        self.only
            .as_deref()
            .map_or(Vec::new(), |o| o.split('|').collect())
    }

    /// Whether `workload` runs.
    fn wants_workload(&self, workload: Workload) -> bool {
        let alts = self.alternatives();
        let names_one = alts
            .iter()
            .any(|a| WORKLOADS.iter().any(|w| w.label().contains(a)));
        !names_one || alts.iter().any(|a| workload.label().contains(a))
    }

    /// Whether `peer` runs.
    fn wants_peer(&self, peer: PeerKind) -> bool {
        let alts = self.alternatives();
        let names_one = alts.iter().any(|a| PEERS.iter().any(|p| p.name() == *a));
        !names_one || alts.contains(&peer.name())
    }
}

/// Creates the schema and seeds it through every peer that has a database of its own (all
/// of them in memory; the first one otherwise), records the ORM's SQL, then runs every wanted
/// workload round-robin over the peers.
pub async fn run(backend: &'static str, target: &Target, plan: &SuitePlan) -> Result<SuiteReport> {
    let mut peers = peer::open_all(target).await?;
    let version = peers[0].version().await?;
    // The ORM records the SQL the others replay; raw sqlx seeds shared databases.
    peers.retain(|p| {
        matches!(p.kind(), PeerKind::Orm | PeerKind::Sqlx) || plan.wants_peer(p.kind())
    });
    let dialect = target.dialect();
    for (i, p) in peers.iter_mut().enumerate() {
        let runs = p.kind() == PeerKind::Orm || plan.wants_peer(p.kind());
        if (i == 0 && !target.is_memory()) || (target.is_memory() && runs) {
            eprintln!("    seeding {} ({})", backend, p.kind().name());
            p.seed(dialect).await?;
        }
    }
    let fetch_sizes: Vec<usize> = WORKLOADS
        .iter()
        .filter_map(|w| match w {
            Workload::Fetch(n) => Some(*n),
            _ => None,
        })
        .collect();
    let recorded = match peers.iter_mut().find_map(Peer::as_orm) {
        Some(orm) => orm.record(&fetch_sizes).await?,
        None => return Err("the ORM peer did not open".into()),
    };
    if std::env::var_os("ORM_BENCH_SHOW_SQL").is_some() {
        recorded.show(backend);
    }
    for p in &mut peers {
        p.give_recorded(&recorded);
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for workload in WORKLOADS {
        if !plan.wants_workload(workload) {
            continue;
        }
        eprintln!("  {backend}: {}", workload.label());
        let pinned = match &plan.pin {
            Some(pin) if workload.round_trip_bound() => Some(pin.apply()),
            _ => None,
        };
        rows.push(run_workload(&mut peers, workload, plan).await);
        for note in pinned
            .map(|mut p| std::mem::take(&mut p.notes))
            .unwrap_or_default()
        {
            if !notes.contains(&note) {
                eprintln!("    {note}");
                notes.push(note);
            }
        }
    }
    for p in &mut peers {
        notes.extend(p.notes());
    }
    for p in peers {
        p.close().await;
    }
    Ok(SuiteReport {
        backend,
        dialect,
        version,
        rows,
        notes,
    })
}

/// Records that `peer` failed `workload`: it runs no more of it, and the report says why.
fn give_up(
    missing: &mut Vec<(PeerKind, String)>,
    peer: PeerKind,
    workload: Workload,
    e: impl std::fmt::Display,
) {
    eprintln!("    {}: {}: {e}", peer.name(), workload.label());
    missing.push((peer, e.to_string()));
}

/// Operations per slice of a round: within a round, peers take turns every this many
/// operations, so that a slow spell of the machine (milliseconds long on a shared virtual
/// machine) falls on every peer alike instead of on whichever batch it hit.
const SLICE_OPS: usize = 10;

/// The rounds of one workload over every peer. A peer's sample in a round is the time of all
/// its slices in that round divided by its operations.
async fn run_workload(peers: &mut [Peer], workload: Workload, plan: &SuitePlan) -> Row {
    let ops = workload.ops();
    let slice_ops = SLICE_OPS.min(ops);
    let rounds = plan.warmup + plan.runs;
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); peers.len()];
    let mut missing: Vec<(PeerKind, String)> = Vec::new();
    let count = peers.len();
    for round in 0..rounds {
        // The peer that goes first in a round wakes idle threads (sqlx's SQLite worker, the
        // runtime): rotate who goes first, and give every peer a few untimed operations.
        let order: Vec<usize> = (0..count).map(|i| (i + round) % count).collect();
        let mut took = vec![Duration::ZERO; count];
        let active = |p: &Peer, missing: &[(PeerKind, String)]| {
            plan.wants_peer(p.kind()) && !missing.iter().any(|(k, _)| *k == p.kind())
        };
        if ops > 1 {
            for &i in &order {
                let p = &mut peers[i];
                if !active(p, &missing) {
                    continue;
                }
                let warm = Batch {
                    round,
                    start: WARM_START + round * ops,
                    ops: (ops / 10).max(1),
                };
                if let Err(e) = p.run(workload, warm).await {
                    give_up(&mut missing, p.kind(), workload, e);
                }
            }
        }
        for start in (0..ops).step_by(slice_ops) {
            for &i in &order {
                let p = &mut peers[i];
                if !active(p, &missing) {
                    continue;
                }
                let batch = Batch {
                    round,
                    start: round * ops + start,
                    ops: slice_ops.min(ops - start),
                };
                match p.run(workload, batch).await {
                    Ok(slice) => took[i] += slice,
                    Err(e) => give_up(&mut missing, p.kind(), workload, e),
                }
            }
        }
        for &i in &order {
            let p = &peers[i];
            if !active(p, &missing) {
                continue;
            }
            let per_op = took[i] / ops as u32;
            eprintln!(
                "    round {round} {:<10} {:>12.1} µs/op{}",
                p.kind().name(),
                per_op.as_secs_f64() * 1e6,
                if round < plan.warmup {
                    " (warm-up)"
                } else {
                    ""
                }
            );
            if round >= plan.warmup {
                samples[i].push(per_op);
            }
        }
    }
    let per_op = peers
        .iter()
        .zip(&samples)
        .filter(|(_, s)| !s.is_empty())
        .map(|(p, s)| (p.kind(), median(s)))
        .collect();
    Row {
        workload,
        per_op,
        missing,
    }
}
