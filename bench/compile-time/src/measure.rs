//! Runs Cargo on the generated crates and times it. Owns the build commands and the schedule
//! (warm-up, interleaved rounds); knows nothing of the report.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::generate::{GeneratedCrate, Variant};

/// Runs `cargo` for the generated crates, all sharing one target directory so the
/// dependencies (orm, sqlx, …) are built once.
pub struct Cargo {
    target_dir: PathBuf,
}

impl Cargo {
    /// Cargo with its artifacts in `target_dir`.
    pub fn new(target_dir: &Path) -> Cargo {
        Cargo {
            target_dir: target_dir.to_owned(),
        }
    }

    fn command(&self, krate: &GeneratedCrate) -> Command {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .current_dir(&krate.dir)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            // The edit-compile loop users see: the dev profile with incremental compilation,
            // whatever the caller's environment says; no compiler cache in between.
            .env("CARGO_INCREMENTAL", "1")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_BUILD_RUSTC_WRAPPER");
        command
    }

    /// Times `cargo build` (debug) of `krate`, wall clock, Cargo's own start-up included.
    pub fn build(&self, krate: &GeneratedCrate) -> io::Result<Duration> {
        let mut command = self.command(krate);
        command.args(["build", "--quiet"]);
        let start = Instant::now();
        let output = command.output()?;
        let elapsed = start.elapsed();
        check(&output, "cargo build", krate)?;
        Ok(elapsed)
    }

    /// Removes the artifacts and incremental state of `krate` only, not of its dependencies.
    pub fn clean(&self, krate: &GeneratedCrate) -> io::Result<()> {
        let mut command = self.command(krate);
        command.args(["clean", "--quiet", "-p", &krate.package]);
        let output = command.output()?;
        check(&output, "cargo clean", krate)
    }
}

fn check(output: &Output, what: &str, krate: &GeneratedCrate) -> io::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "{what} failed in {} ({}):\n{}",
        krate.dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    )))
}

/// The timings of one crate, in the order they were taken.
#[derive(Clone, Debug)]
pub struct Timings {
    /// What the crate's models contain.
    pub variant: Variant,
    /// How many models the crate has.
    pub models: usize,
    /// Full builds of the crate after `cargo clean -p` (dependencies already built).
    pub clean: Vec<Duration>,
    /// Builds after one model's field was renamed (none for a crate without models).
    pub incremental: Vec<Duration>,
    /// Builds with nothing changed: Cargo's own fixed cost.
    pub no_op: Vec<Duration>,
}

/// How many timed runs of each kind.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Clean builds per crate.
    pub clean_runs: usize,
    /// Incremental builds per crate.
    pub incremental_runs: usize,
}

/// The model an incremental build edits. Model 0 exists in every crate with models, and its
/// file is a typical one (no soft delete, JSON or search).
pub const EDITED_MODEL: usize = 0;

/// Builds every crate once untimed (this builds the dependencies), then runs the timed builds
/// in rounds: each round builds every crate once, in an order that rotates from round to round,
/// so a burst of load from other processes spreads over all crates instead of skewing one.
pub fn run(cargo: &Cargo, crates: &[GeneratedCrate], plan: Plan) -> io::Result<Vec<Timings>> {
    let mut timings: Vec<Timings> = crates
        .iter()
        .map(|krate| Timings {
            variant: krate.variant,
            models: krate.models,
            clean: Vec::new(),
            incremental: Vec::new(),
            no_op: Vec::new(),
        })
        .collect();
    for krate in crates {
        eprintln!("warm-up: building {} …", krate.package);
        let elapsed = cargo.build(krate)?;
        eprintln!("  {:.1} s", elapsed.as_secs_f64());
    }

    for round in 0..plan.clean_runs {
        for i in rotated(crates.len(), round) {
            cargo.clean(&crates[i])?;
            let elapsed = cargo.build(&crates[i])?;
            eprintln!(
                "clean build {}/{}: {} {:.2} s",
                round + 1,
                plan.clean_runs,
                crates[i].package,
                elapsed.as_secs_f64()
            );
            timings[i].clean.push(elapsed);
            timings[i].no_op.push(cargo.build(&crates[i])?);
        }
    }

    let edited: Vec<usize> = (0..crates.len())
        .filter(|&i| crates[i].models > EDITED_MODEL)
        .collect();
    // Revision 0 is what the crates were generated with; the untimed first edit puts the
    // incremental cache in the state every later edit starts from.
    let mut revision = 1;
    for &i in &edited {
        crates[i].edit_model(EDITED_MODEL, revision)?;
        cargo.build(&crates[i])?;
    }
    for round in 0..plan.incremental_runs {
        revision += 1;
        for position in rotated(edited.len(), round) {
            let i = edited[position];
            crates[i].edit_model(EDITED_MODEL, revision)?;
            let elapsed = cargo.build(&crates[i])?;
            eprintln!(
                "incremental build {}/{}: {} {:.2} s",
                round + 1,
                plan.incremental_runs,
                crates[i].package,
                elapsed.as_secs_f64()
            );
            timings[i].incremental.push(elapsed);
        }
    }
    Ok(timings)
}

/// `0..len` starting at `round % len`.
fn rotated(len: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..len).map(move |i| (i + round) % len.max(1))
}

#[cfg(test)]
mod tests {
    use super::rotated;

    #[test]
    fn rounds_start_at_successive_crates() {
        assert_eq!(rotated(3, 0).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(rotated(3, 1).collect::<Vec<_>>(), [1, 2, 0]);
        assert_eq!(rotated(3, 5).collect::<Vec<_>>(), [2, 0, 1]);
        assert_eq!(rotated(0, 2).count(), 0);
    }
}
