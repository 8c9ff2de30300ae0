//! Repeating a timed run and summarising it. A run resets its own table and returns only the
//! time of the part being measured, so setup and checks never count.

use std::time::Duration;

/// Errors of a run: driver, ORM or a failed sanity check.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Result of a run.
pub type Result<T, E = BoxError> = std::result::Result<T, E>;

/// What a variant is, for the ratios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Model::bulk_create`.
    OrmBulk,
    /// One `Model::insert` per row inside one transaction.
    OrmPerRow,
    /// Hand-written sqlx bulk statement(s).
    RawBulk,
    /// One hand-written sqlx INSERT per row inside one transaction.
    RawPerRow,
}

/// The median of `samples` (zero when empty).
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let n = sorted.len();
    if n == 0 {
        Duration::ZERO
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

/// The timings of one variant on one backend.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// What is measured, e.g. `multi-VALUES, 10922 rows/statement`.
    pub variant: String,
    pub kind: Kind,
    /// Whether the variant hands back the generated ids.
    pub ids: bool,
    pub rows: usize,
    pub samples: Vec<Duration>,
}

impl Measurement {
    pub fn median(&self) -> Duration {
        median(&self.samples)
    }

    pub fn min(&self) -> Duration {
        self.samples.iter().copied().min().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.samples.iter().copied().max().unwrap_or_default()
    }

    /// Rows per second at the median.
    pub fn rows_per_sec(&self) -> f64 {
        let secs = self.median().as_secs_f64();
        if secs > 0.0 {
            self.rows as f64 / secs
        } else {
            0.0
        }
    }
}

/// One variant a backend offers.
#[derive(Debug, Clone)]
pub struct Spec {
    pub variant: String,
    pub kind: Kind,
    pub ids: bool,
}

impl Spec {
    pub fn new(variant: impl Into<String>, kind: Kind, ids: bool) -> Self {
        Spec {
            variant: variant.into(),
            kind,
            ids,
        }
    }

    fn per_row(&self) -> bool {
        matches!(self.kind, Kind::OrmPerRow | Kind::RawPerRow)
    }
}

/// A backend's set of variants; `run(i)` resets the table, runs variant `i` once and returns
/// the time of the measured part only.
pub trait Variants {
    fn specs(&self) -> Vec<Spec>;
    async fn run(&mut self, variant: usize) -> Result<Duration>;
}

/// How many times to run what.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub rows: usize,
    /// Untimed rounds of the bulk variants first.
    pub warmup: usize,
    /// Timed rounds of the bulk variants.
    pub runs: usize,
    /// Timed rounds of the (slow) per-row variants, which get no warm-up.
    pub per_row_runs: usize,
}

/// Runs the variants round-robin (each round runs every variant once), so a burst of load from
/// other processes on the machine spreads over all variants instead of skewing one. Each round
/// starts one variant later than the one before, so no variant always follows the same one
/// (the slow per-row variants leave the server busy with their aftermath).
/// With `only` (`a|b|…`), just the variants whose name contains one of the alternatives.
pub async fn run_rounds(
    backend: &mut impl Variants,
    plan: Plan,
    only: Option<&str>,
) -> Result<Vec<Measurement>> {
    let specs = backend.specs();
    let wanted = |spec: &Spec| only.is_none_or(|o| o.split('|').any(|o| spec.variant.contains(o)));
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); specs.len()];
    for round in 0..plan.warmup + plan.runs {
        for i in (0..specs.len()).map(|k| (k + round) % specs.len()) {
            let spec = &specs[i];
            let timed = if spec.per_row() {
                (plan.warmup..plan.warmup + plan.per_row_runs).contains(&round)
            } else {
                round >= plan.warmup
            };
            if (spec.per_row() && !timed) || !wanted(spec) {
                continue;
            }
            let took = backend
                .run(i)
                .await
                .map_err(|e| format!("{}: round {round}: {e}", spec.variant))?;
            eprintln!(
                "    round {round} {:<52} {:>9.1} ms{}",
                spec.variant,
                took.as_secs_f64() * 1e3,
                if timed { "" } else { " (warm-up)" }
            );
            if timed {
                samples[i].push(took);
            }
        }
    }
    Ok(specs
        .into_iter()
        .zip(samples)
        .filter(|(spec, _)| wanted(spec))
        .map(|(spec, samples)| Measurement {
            variant: spec.variant,
            kind: spec.kind,
            ids: spec.ids,
            rows: plan.rows,
            samples,
        })
        .collect())
}
