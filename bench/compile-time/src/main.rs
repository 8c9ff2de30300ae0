//! The compile-time benchmark of issue 6: what `#[derive(Model)]` costs in the edit-compile loop.
//!
//! Generates library crates with N derived models each (default 0, 50 and 100) that also use
//! the query API on every model, times their debug builds — clean (dependencies already built)
//! and incremental after one model's field is renamed — and writes the medians and the cost
//! per model into docs/performance.md.
//!
//! ```sh
//! cd bench/compile-time && cargo run --release            # measure and rewrite the section
//! cd bench/compile-time && cargo run --release -- --help
//! ```

mod generate;
mod measure;
mod report;

use std::path::Path;
use std::process::{Command, ExitCode};
use std::{fs, io};

use generate::Variant;
use measure::{Cargo, Plan};

const USAGE: &str = "\
usage: orm-compile-time [--models 0,50,100] [--runs 3] [--incremental-runs 3] [--no-write]

Generates library crates under target/generated/ (depending on ../../orm by path): one whose
models use the query API per model count, and at the largest count one with the derived models
alone and one with plain structs. Times their debug builds and writes the section of
docs/performance.md.

  --models LIST           model counts, comma-separated (default 0,50,100)
  --runs N                timed clean builds per crate (default 3)
  --incremental-runs N    timed builds after a one-field edit, per crate with models (default 3)
  --no-write              print the section only; leave docs/performance.md alone
";

struct Options {
    models: Vec<usize>,
    plan: Plan,
    write: bool,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        models: vec![0, 50, 100],
        plan: Plan {
            clean_runs: 3,
            incremental_runs: 3,
        },
        write: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--models" => {
                options.models = value("--models")?
                    .split(',')
                    .map(|n| {
                        n.trim()
                            .parse()
                            .map_err(|_| format!("bad model count `{n}`"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => options.plan.clean_runs = count(&value("--runs")?)?,
            "--incremental-runs" => {
                options.plan.incremental_runs = count(&value("--incremental-runs")?)?;
            }
            "--no-write" => options.write = false,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    options.models.sort_unstable();
    options.models.dedup();
    Ok(options)
}

fn count(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a positive number, got `{text}`")),
    }
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}\n");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> io::Result<()> {
    let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = fs::canonicalize(bench_dir.join("../.."))?;
    let work = bench_dir.join("target").join("generated");
    fs::create_dir_all(&work)?;
    let work = fs::canonicalize(work)?;

    // The `used` crates at every count give the slope; `derived` and `plain` at the largest
    // count split it into layers.
    let largest = options.models.iter().copied().max().unwrap_or(0);
    let mut layout: Vec<(Variant, usize)> =
        options.models.iter().map(|&n| (Variant::Used, n)).collect();
    if largest > 0 {
        layout.extend([(Variant::Derived, largest), (Variant::Plain, largest)]);
    }
    let crates = layout
        .into_iter()
        .map(|(variant, n)| {
            generate::write_crate(
                &work,
                variant,
                n,
                &repo.join("orm"),
                &repo.join("Cargo.lock"),
            )
        })
        .collect::<io::Result<Vec<_>>>()?;
    eprintln!("generated {} crates in {}", crates.len(), work.display());

    let load_before = load_average();
    let commit_before = commit(&repo);
    let timings = measure::run(&Cargo::new(&work.join("target")), &crates, options.plan)?;
    let context = report::Context {
        date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit: match commit(&repo) {
            after if after == commit_before => after,
            after => format!("{commit_before}, changed to {after} during the run"),
        },
        rustc: command_line("rustc", &["-V"]),
        machine: machine(),
        load_before,
        load_after: load_average(),
    };
    let section = report::markdown(
        &timings,
        &context,
        (options.plan.clean_runs, options.plan.incremental_runs),
    );
    println!("{section}");
    if options.write {
        let page = repo.join("docs").join("performance.md");
        report::write_section(&page, &section)?;
        eprintln!("wrote the compile-time section of {}", page.display());
    }
    Ok(())
}

/// The first line a command prints, or `?` when it cannot run.
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// The last commit that changed the crates being measured (orm/, orm-macros/), noting
/// uncommitted changes to them.
fn commit(repo: &Path) -> String {
    let repo = repo.to_string_lossy();
    let hash = command_line(
        "git",
        &[
            "-C",
            &repo,
            "log",
            "-1",
            "--format=%h",
            "--",
            "orm",
            "orm-macros",
        ],
    );
    let changed = Command::new("git")
        .args([
            "-C",
            &repo,
            "status",
            "--porcelain",
            "--",
            "orm",
            "orm-macros",
        ])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if changed {
        format!("{hash} + uncommitted changes")
    } else {
        hash
    }
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_else(|_| "?".to_owned())
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cpu}, {cpus} logical CPUs (shared with other work)")
}
