//! The Markdown report: a summary of ratios per backend, a detail table per backend, and the
//! machine it ran on. Also splices the report into docs/performance.md between markers, so the
//! hand-written text around it survives a re-run.

use std::fmt::Write as _;
use std::path::Path;

use crate::measure::{Kind, Measurement, Plan, Result};

/// Everything measured on one backend.
pub struct BackendReport {
    /// `SQLite in memory`, `PostgreSQL`, …
    pub name: &'static str,
    /// The server or library version.
    pub version: String,
    /// The rows/s bulk_create should reach here (issue 3), if the backend has a target.
    pub target: Option<f64>,
    pub measurements: Vec<Measurement>,
}

impl BackendReport {
    fn find(&self, kind: Kind) -> Option<&Measurement> {
        self.measurements.iter().find(|m| m.kind == kind)
    }

    /// The fastest raw bulk variant, optionally only among those that return ids.
    fn best_raw(&self, with_ids: bool) -> Option<&Measurement> {
        self.measurements
            .iter()
            .filter(|m| m.kind == Kind::RawBulk && (m.ids || !with_ids))
            .min_by_key(|m| m.median())
    }
}

/// Where the run happened, for the report.
pub struct Machine {
    pub cpu: String,
    pub cpus: usize,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    /// The ORM's git revision (`-dirty` with uncommitted changes under orm/ or orm-macros/).
    pub revision: String,
    pub load_before: String,
    pub load_after: String,
    pub date: String,
}

impl Machine {
    pub fn probe() -> Machine {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let memory = read("/proc/meminfo")
            .lines()
            .find(|l| l.starts_with("MemTotal"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0))
            .unwrap_or_else(|| "unknown".into());
        let rustc = std::process::Command::new("rustc")
            .arg("-V")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        Machine {
            revision: revision(),
            cpu,
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            rustc,
            load_before: load_average(),
            load_after: String::new(),
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

impl Machine {
    /// When, at which ORM revision and with which command a report was made.
    pub fn header(&self, command: &str) -> String {
        format!(
            "Measured {} (ORM at {}) with `{command}`.\n",
            self.date, self.revision
        )
    }

    /// The machine and its load, for the end of a report.
    pub fn footer(&self) -> String {
        format!(
            "Machine: {} ({} logical CPUs visible, shared with other work), {} RAM, Linux {}, \
             {}, release profile. Load average (1/5/15 min) before: {}, after: {}.\n",
            self.cpu,
            self.cpus,
            self.memory,
            self.kernel,
            self.rustc,
            self.load_before,
            self.load_after
        )
    }
}

/// `$ORM_BENCH_REVISION`, else the revision of the checkout this binary was built from.
fn revision() -> String {
    if let Ok(r) = std::env::var("ORM_BENCH_REVISION") {
        return r;
    }
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".into();
    };
    let dirty = git(&["status", "--porcelain", "--", "orm", "orm-macros"])
        .is_some_and(|s| !s.trim().is_empty());
    format!("{}{}", head.trim(), if dirty { "-dirty" } else { "" })
}

/// The 1/5/15-minute load averages: other work on the machine shows up here.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" / ")
}

fn ms(m: &Measurement) -> String {
    format!("{:.1}", m.median().as_secs_f64() * 1e3)
}

fn rate(rows_per_sec: f64) -> String {
    if rows_per_sec >= 1e6 {
        format!("{:.2}M", rows_per_sec / 1e6)
    } else {
        format!("{:.0}k", rows_per_sec / 1e3)
    }
}

fn ratio(a: &Measurement, b: &Measurement) -> f64 {
    a.median().as_secs_f64() / b.median().as_secs_f64()
}

/// The report in Markdown.
pub fn markdown(reports: &[BackendReport], machine: &Machine, plan: Plan, command: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured {} (ORM at {}) with `{command}`: {} rows of the diesel-metrics `users` row (id, name, \
         hair_color `Option<String>`, created_at `DateTime<Utc>`), each variant into a freshly \
         created table, in one transaction. Bulk variants: {} warm-up + {} timed runs; per-row \
         variants: {} timed runs; variants run round-robin, each round starting one variant later. \
         Times are medians.\n",
        machine.date, machine.revision, plan.rows, plan.warmup, plan.runs, plan.per_row_runs
    );
    md.push_str(
        "| Backend | ORM `bulk_create` | fastest raw sqlx | ORM ÷ fastest raw (time) | \
         fastest raw returning ids | ORM ÷ that | ORM per-row insert | bulk speed-up over per-row | \
         target |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in reports {
        let (Some(bulk), Some(per_row)) = (r.find(Kind::OrmBulk), r.find(Kind::OrmPerRow)) else {
            continue;
        };
        let best = r.best_raw(false);
        let best_ids = r.best_raw(true);
        let cell = |m: Option<&Measurement>| match m {
            Some(m) => format!("{} rows/s ({})", rate(m.rows_per_sec()), m.variant),
            None => "–".into(),
        };
        let vs = |m: Option<&Measurement>| match m {
            Some(m) => format!("{:.2}×", ratio(bulk, m)),
            None => "–".into(),
        };
        let target = match r.target {
            Some(t) => format!(
                "≥ {} rows/s: {}",
                rate(t),
                if bulk.rows_per_sec() >= t {
                    "met"
                } else {
                    "**missed**"
                }
            ),
            None => "–".into(),
        };
        let _ = writeln!(
            md,
            "| {} | **{} rows/s** | {} | {} | {} | {} | {} rows/s | {:.1}× | {} |",
            r.name,
            rate(bulk.rows_per_sec()),
            cell(best),
            vs(best),
            cell(best_ids),
            vs(best_ids),
            rate(per_row.rows_per_sec()),
            ratio(per_row, bulk),
            target
        );
    }
    md.push_str(
        "\nBudgets (shared/DESIGN.md, issue 3): ORM ÷ fastest raw ≤ 1.2, speed-up over per-row \
         ≥ 20×.\n",
    );
    for r in reports {
        let bulk = r.find(Kind::OrmBulk);
        let _ = writeln!(
            md,
            "\n#### {} ({})\n\n| Variant | ids | median ms | min–max ms | rows/s | time ÷ ORM \
             `bulk_create` |\n|---|---|---|---|---|---|",
            r.name, r.version
        );
        for m in &r.measurements {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.1}–{:.1} | {} | {} |",
                m.variant,
                if m.ids { "yes" } else { "no" },
                ms(m),
                m.min().as_secs_f64() * 1e3,
                m.max().as_secs_f64() * 1e3,
                rate(m.rows_per_sec()),
                bulk.map_or("–".into(), |b| format!("{:.2}", ratio(m, b)))
            );
        }
    }
    let _ = writeln!(md, "\n{}", machine.footer());
    md
}

/// Replaces the generated block `section` of `path` (between `<!-- bench:{section}:begin … -->`
/// and `<!-- bench:{section}:end -->`) with `report`; appends the block when the markers are
/// missing and creates the file when it is.
pub fn splice_into(path: &Path, section: &str, report: &str) -> Result<()> {
    let begin = format!("<!-- bench:{section}:begin (generated by bench/, do not edit) -->");
    let end = format!("<!-- bench:{section}:end -->");
    let block = format!("{begin}\n{report}{end}");
    let text = match std::fs::read_to_string(path) {
        Ok(old) => match (old.find(&begin), old.find(&end)) {
            (Some(b), Some(e)) if b < e => {
                format!("{}{block}{}", &old[..b], &old[e + end.len()..])
            }
            _ => format!("{old}\n{block}\n"),
        },
        Err(_) => format!("# Performance\n\n{block}\n"),
    };
    std::fs::write(path, text)?;
    Ok(())
}
