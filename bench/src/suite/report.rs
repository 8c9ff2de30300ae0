//! The suite's Markdown: one table per backend (median time per operation of every peer,
//! ratios ORM ÷ peer, budgets of issue 6 met or missed) and a summary of the missed budgets.

use std::fmt::Write as _;
use std::time::Duration;

use orm::Dialect;

use super::{PeerKind, Row, SuiteReport, Workload};

/// The peers in table order.
const COLUMNS: [(PeerKind, &str); 6] = [
    (PeerKind::Orm, "ORM"),
    (PeerKind::Sqlx, "raw sqlx"),
    (PeerKind::SeaOrm, "SeaORM"),
    (PeerKind::Diesel, "Diesel"),
    (PeerKind::DieselAsync, "diesel-async"),
    (PeerKind::Rusqlite, "rusqlite"),
];

/// `12.3 µs`, `4.56 ms`, `1.23 s`.
fn time(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn rate(rows_per_sec: f64) -> String {
    if rows_per_sec >= 1e6 {
        format!("{:.2}M rows/s", rows_per_sec / 1e6)
    } else {
        format!("{:.0}k rows/s", rows_per_sec / 1e3)
    }
}

/// ORM time ÷ peer time (below 1: the ORM is faster).
fn ratio(row: &Row, peer: PeerKind) -> Option<f64> {
    Some(row.get(PeerKind::Orm)?.as_secs_f64() / row.get(peer)?.as_secs_f64())
}

/// The bulk_create rows/s target of issue 6 on this backend.
fn bulk_target(report: &SuiteReport) -> Option<f64> {
    match (report.dialect, report.backend) {
        (Dialect::Sqlite, name) if name.contains("memory") => Some(1_000_000.0),
        (Dialect::Postgres, _) => Some(700_000.0),
        (Dialect::Mysql, _) => Some(380_000.0),
        _ => None,
    }
}

/// One budget check: its description and whether it was met (`None`: no figure).
struct Budget {
    what: String,
    met: Option<bool>,
}

/// The issue-6 budgets that apply to `row` on this backend.
fn budgets(report: &SuiteReport, row: &Row) -> Vec<Budget> {
    let mut out = Vec::new();
    let w = row.workload;
    if w.has_raw_budget() {
        let limit = if report.dialect == Dialect::Sqlite {
            1.10
        } else {
            1.05
        };
        out.push(Budget {
            what: format!("÷ sqlx ≤ {limit:.2}"),
            met: ratio(row, PeerKind::Sqlx).map(|r| r <= limit),
        });
    }
    let sea = ratio(row, PeerKind::SeaOrm);
    if w.single_row() {
        out.push(Budget {
            what: "≥ 1.5× SeaORM".into(),
            met: sea.map(|r| r <= 1.0 / 1.5),
        });
    } else {
        out.push(Budget {
            what: "faster than SeaORM".into(),
            met: sea.map(|r| r < 1.0),
        });
    }
    if let (Workload::BulkCreate(n), Some(target)) = (w, bulk_target(report)) {
        out.push(Budget {
            what: format!("≥ {}", rate(target)),
            met: row
                .get(PeerKind::Orm)
                .map(|d| n as f64 / d.as_secs_f64() >= target),
        });
    }
    out
}

fn verdict(b: &Budget) -> String {
    match b.met {
        Some(true) => format!("{}: met", b.what),
        Some(false) => format!("{}: **missed**", b.what),
        None => format!("{}: –", b.what),
    }
}

/// The tables of every backend, the missed budgets, and the notes.
/// `pin`: the CPU the round-trip workloads ran on, if they were pinned.
pub fn markdown(reports: &[SuiteReport], runs: usize, warmup: usize, pin: Option<usize>) -> String {
    let mut md = String::new();
    let placement = match pin {
        Some(cpu) => format!(
            "Get by pk, fetch 1 and 100, insert 1 and 100 ran with the benchmark's threads and \
             the local server's processes on CPU {cpu} (`--pin`, see `bench/src/pin.rs`); the \
             other workloads on every CPU."
        ),
        None => "Nothing was pinned to a CPU (`--no-pin`).".to_owned(),
    };
    let _ = writeln!(
        md,
        "Median time per operation; {warmup} warm-up + {runs} timed rounds, peers \
         round-robin within each round, taking turns every 10 operations. {placement} Ratios \
         are ORM time ÷ peer time: below 1.00 the ORM is faster.\n"
    );
    let mut missed = Vec::new();
    for report in reports {
        let peers: Vec<(PeerKind, &str)> = COLUMNS
            .iter()
            .copied()
            .filter(|(p, _)| report.rows.iter().any(|r| r.get(*p).is_some()))
            .collect();
        let _ = writeln!(md, "#### {} ({})\n", report.backend, report.version);
        let mut header = String::from("| Workload |");
        let mut rule = String::from("|---|");
        for (_, name) in &peers {
            let _ = write!(header, " {name} |");
            rule.push_str("---|");
        }
        for (p, name) in &peers {
            if *p != PeerKind::Orm && *p != PeerKind::Rusqlite {
                let _ = write!(header, " ORM ÷ {name} |");
                rule.push_str("---|");
            }
        }
        header.push_str(" budgets (issue 6) |");
        rule.push_str("---|");
        let _ = writeln!(md, "{header}\n{rule}");
        for row in &report.rows {
            let mut line = format!("| {} |", row.workload.label());
            for (p, _) in &peers {
                let cell = match row.get(*p) {
                    Some(d) if row.workload.rows() >= 10_000 => format!(
                        "{} ({})",
                        time(d),
                        rate(row.workload.rows() as f64 / d.as_secs_f64())
                    ),
                    Some(d) => time(d),
                    None => "–".into(),
                };
                let _ = write!(line, " {cell} |");
            }
            for (p, _) in &peers {
                if *p != PeerKind::Orm && *p != PeerKind::Rusqlite {
                    let cell = ratio(row, *p).map_or("–".into(), |r| format!("{r:.2}"));
                    let _ = write!(line, " {cell} |");
                }
            }
            let checks = budgets(report, row);
            for b in checks.iter().filter(|b| b.met == Some(false)) {
                missed.push(format!(
                    "{}, {}: {}",
                    report.backend,
                    row.workload.label(),
                    b.what
                ));
            }
            let verdicts: Vec<String> = checks.iter().map(verdict).collect();
            let _ = writeln!(line, " {} |", verdicts.join("; "));
            md.push_str(&line);
        }
        let mut notes: Vec<String> = Vec::new();
        for row in &report.rows {
            for (peer, why) in &row.missing {
                notes.push(format!(
                    "{} did not run {}: {why}",
                    peer.name(),
                    row.workload.label()
                ));
            }
        }
        for note in notes {
            let _ = writeln!(md, "\n- {note}");
        }
        md.push('\n');
    }
    if missed.is_empty() {
        md.push_str("Every budget measured here is met.\n");
    } else {
        let _ = writeln!(md, "Budgets missed ({}):\n", missed.len());
        for m in missed {
            let _ = writeln!(md, "- {m}");
        }
    }
    let mut notes: Vec<&String> = Vec::new();
    for note in reports.iter().flat_map(|r| &r.notes) {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    if !notes.is_empty() {
        md.push_str("\nHow the peers run:\n\n");
        for note in notes {
            let _ = writeln!(md, "- {note}");
        }
    }
    md
}
