//! `orm-bench`: the ORM against raw sqlx, SeaORM, Diesel, diesel-async and rusqlite on the same
//! machine, same process, same data, on SQLite in memory, SQLite in a WAL file, PostgreSQL and
//! MariaDB. A server that cannot be reached is skipped with a message. Two sections, each a generated
//! block of docs/performance.md (and printed to stdout):
//!
//! - `suite` (issue 6, `suite/`): the workloads of the diesel-rs/metrics schema — get by key,
//!   fetch 1/100/10,000, insert 1/100, bulk_update 10,000, a group-by over 1,000,000 rows, a
//!   full-text query over 100,000 posts, bulk_create 100,000 — for every peer, with ratios and
//!   the budgets of issue 6;
//! - `bulk` (issue 3): inserting 100,000 rows — `Model::bulk_create`, one `insert` per row in a
//!   transaction, and the fastest raw sqlx statements per backend.
//!
//! ```text
//! cd bench && cargo run --release -- [--sections suite,bulk] [--suite-runs N]
//!     [--rows N] [--runs N] [--warmup N] [--per-row-runs N]
//!     [--backends sqlite-memory,sqlite-file,postgres,mariadb]
//!     [--postgres-url URL] [--mysql-url URL] [--only TEXT] [--anatomy]
//!     [--pin CPU | --no-pin] [--out FILE | --no-write]
//! ```
//! The suite's round-trip workloads run with the benchmark's threads and the local server's
//! processes on one CPU (the lowest allowed, or `--pin CPU`; `--no-pin`: never), see `pin.rs`.
//! `--only 'A|B'` runs just the bulk variants, suite workloads or suite peers whose name
//! contains A or B (for a profiler); `--anatomy` times the stages of `bulk_create` instead
//! (see `anatomy.rs`).
//! URLs default to `$BENCH_POSTGRES_URL` / `$BENCH_MYSQL_URL`, then to the local servers. The
//! benchmark works in its own schema (`orm_bench`) / database (`orm_bench`) and drops it after.

mod anatomy;
mod measure;
mod model;
mod mysql;
mod orm_runs;
mod pin;
mod postgres;
mod raw;
mod report;
mod sql;
mod sqlite;
mod suite;

use std::path::PathBuf;
use std::time::Duration;

use orm::Db;

use crate::measure::{Plan, Result, run_rounds};
use crate::report::{BackendReport, Machine};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";
/// The schema (PostgreSQL) or database (MySQL) the benchmark creates, uses and drops.
const BENCH_SCHEMA: &str = "orm_bench";

const BACKENDS: [&str; 4] = ["sqlite-memory", "sqlite-file", "postgres", "mariadb"];
const SECTIONS: [&str; 2] = ["suite", "bulk"];

struct Config {
    /// Which sections run: `suite`, `bulk`.
    sections: Vec<String>,
    /// Timed rounds of the suite.
    suite_runs: usize,
    plan: Plan,
    backends: Vec<String>,
    postgres_url: String,
    mysql_url: String,
    sqlite_dir: PathBuf,
    out: Option<PathBuf>,
    /// Run only the variants whose name contains one of these `|`-separated texts.
    only: Option<String>,
    /// Time the stages of `bulk_create` instead of comparing variants.
    anatomy: bool,
    /// The CPU the suite's round-trip workloads run on (`None`: unpinned; see `pin.rs`).
    pin: Option<usize>,
}

fn usage() -> String {
    format!(
        "usage: orm-bench [--sections {}] [--suite-runs N] [--rows N] [--runs N] [--warmup N] \
         [--per-row-runs N] [--backends {}] [--postgres-url URL] [--mysql-url URL] \
         [--sqlite-dir DIR] [--only TEXT] [--anatomy] [--pin CPU | --no-pin] \
         [--out FILE | --no-write]",
        SECTIONS.join(","),
        BACKENDS.join(",")
    )
}

fn parse_args(args: &[String]) -> Result<Config> {
    let env = |var: &str, default: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let mut cfg = Config {
        sections: SECTIONS.iter().map(|s| s.to_string()).collect(),
        suite_runs: 5,
        plan: Plan {
            rows: 100_000,
            warmup: 1,
            runs: 7,
            per_row_runs: 3,
        },
        backends: BACKENDS.iter().map(|b| b.to_string()).collect(),
        postgres_url: env("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        mysql_url: env("BENCH_MYSQL_URL", DEFAULT_MYSQL_URL),
        sqlite_dir: std::env::temp_dir().join("orm-bench"),
        out: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/performance.md")),
        only: None,
        anatomy: false,
        pin: Some(pin::default_cpu()),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{}", usage()))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag} needs a whole number, got `{v}`"))
        };
        match flag.as_str() {
            "--sections" => {
                let list: Vec<String> = value()?.split(',').map(str::to_owned).collect();
                if let Some(bad) = list.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!("unknown section `{bad}`\n{}", usage()).into());
                }
                cfg.sections = list;
            }
            "--suite-runs" => cfg.suite_runs = number(value()?)?.max(1),
            "--rows" => cfg.plan.rows = number(value()?)?.max(1),
            "--runs" => cfg.plan.runs = number(value()?)?.max(1),
            "--warmup" => cfg.plan.warmup = number(value()?)?,
            "--per-row-runs" => cfg.plan.per_row_runs = number(value()?)?.max(1),
            "--backends" => {
                let list: Vec<String> = value()?.split(',').map(str::to_owned).collect();
                if let Some(bad) = list.iter().find(|b| !BACKENDS.contains(&b.as_str())) {
                    return Err(format!("unknown backend `{bad}`\n{}", usage()).into());
                }
                cfg.backends = list;
            }
            "--postgres-url" => cfg.postgres_url = value()?,
            "--mysql-url" => cfg.mysql_url = value()?,
            "--sqlite-dir" => cfg.sqlite_dir = PathBuf::from(value()?),
            "--out" => cfg.out = Some(PathBuf::from(value()?)),
            "--no-write" => cfg.out = None,
            "--only" => cfg.only = Some(value()?),
            "--anatomy" => cfg.anatomy = true,
            "--pin" => cfg.pin = Some(number(value()?)?),
            "--no-pin" => cfg.pin = None,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{}", usage()).into()),
        }
    }
    // The per-row variants run inside the bulk rounds, so there must be enough rounds.
    cfg.plan.runs = cfg.plan.runs.max(cfg.plan.per_row_runs);
    Ok(cfg)
}

/// An admin connection, or `None` (with a message) when the server cannot be reached.
async fn reach(name: &str, url: &str) -> Option<Db> {
    let connect = Db::builder(url)
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect();
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(db)) => Some(db),
        Ok(Err(e)) => {
            eprintln!("skipping {name}: cannot connect to {url}: {e}");
            None
        }
        Err(_) => {
            eprintln!("skipping {name}: no answer from {url} within 5 s");
            None
        }
    }
}

/// `url` with `key=value` added to its query string.
fn with_option(url: &str, option: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{option}")
}

/// `url` pointing at database `name` instead of the one it names.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| i + after_scheme);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{}/{name}{query}", &base[..host_end])
}

async fn bench_sqlite(cfg: &Config, users: &[model::User], file: bool) -> Result<BackendReport> {
    let dir = file.then_some(cfg.sqlite_dir.as_path());
    let mut bench = sqlite::SqliteBench::open(users, dir).await?;
    let version = bench.version().await?;
    let measurements = run_rounds(&mut bench, cfg.plan, cfg.only.as_deref()).await?;
    bench.close().await;
    if file {
        let _ = std::fs::remove_dir_all(&cfg.sqlite_dir);
    }
    Ok(BackendReport {
        name: if file {
            "SQLite file (WAL)"
        } else {
            "SQLite in memory"
        },
        version,
        target: (!file).then_some(1_000_000.0),
        measurements,
    })
}

/// Runs `f` with a URL of a fresh `orm_bench` schema on the PostgreSQL server, dropped after;
/// `None` when the server cannot be reached.
async fn with_postgres<T>(
    cfg: &Config,
    f: impl AsyncFnOnce(&str) -> Result<T>,
) -> Result<Option<T>> {
    let Some(admin) = reach("PostgreSQL", &cfg.postgres_url).await else {
        return Ok(None);
    };
    let drop = format!("DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE");
    admin.execute_raw(&drop, vec![]).await?;
    admin
        .execute_raw(&format!("CREATE SCHEMA {BENCH_SCHEMA}"), vec![])
        .await?;
    let url = with_option(
        &cfg.postgres_url,
        &format!("options=-c%20search_path%3D{BENCH_SCHEMA}"),
    );
    let result = f(&url).await;
    admin.execute_raw(&drop, vec![]).await?;
    admin.close().await;
    result.map(Some)
}

/// Runs `f` with a URL of a fresh `orm_bench` database on the MySQL/MariaDB server, dropped
/// after; `None` when the server cannot be reached.
async fn with_mysql<T>(cfg: &Config, f: impl AsyncFnOnce(&str) -> Result<T>) -> Result<Option<T>> {
    let Some(admin) = reach("MariaDB/MySQL", &cfg.mysql_url).await else {
        return Ok(None);
    };
    let drop = format!("DROP DATABASE IF EXISTS {BENCH_SCHEMA}");
    admin.execute_raw(&drop, vec![]).await?;
    admin
        .execute_raw(
            &format!("CREATE DATABASE {BENCH_SCHEMA} CHARACTER SET utf8mb4"),
            vec![],
        )
        .await?;
    let url = with_database(&cfg.mysql_url, BENCH_SCHEMA);
    let result = f(&url).await;
    admin.execute_raw(&drop, vec![]).await?;
    admin.close().await;
    result.map(Some)
}

async fn bench_postgres(cfg: &Config, users: &[model::User]) -> Result<Option<BackendReport>> {
    with_postgres(cfg, async |url| {
        let mut bench = postgres::PostgresBench::open(users, url).await?;
        let version = bench.version().await?;
        let measurements = run_rounds(&mut bench, cfg.plan, cfg.only.as_deref()).await?;
        bench.close().await;
        Ok(BackendReport {
            name: "PostgreSQL",
            version,
            target: Some(700_000.0),
            measurements,
        })
    })
    .await
}

async fn bench_mysql(cfg: &Config, users: &[model::User]) -> Result<Option<BackendReport>> {
    with_mysql(cfg, async |url| {
        let mut bench = mysql::MysqlBench::open(users, url).await?;
        let version = bench.version().await?;
        let measurements = run_rounds(&mut bench, cfg.plan, cfg.only.as_deref()).await?;
        bench.close().await;
        Ok(BackendReport {
            name: if version.contains("MariaDB") {
                "MariaDB"
            } else {
                "MySQL"
            },
            version,
            target: Some(380_000.0),
            measurements,
        })
    })
    .await
}

/// `--anatomy`: the stage table of `bulk_create` on each backend, to stdout.
async fn anatomy(cfg: &Config, users: &[model::User]) -> Result<()> {
    let runs = cfg.plan.runs;
    let mut md = String::new();
    for backend in &cfg.backends {
        eprintln!("== {backend} (anatomy)");
        let table = match backend.as_str() {
            "sqlite-memory" => {
                let db = Db::connect("sqlite::memory:").await?;
                Some(anatomy::anatomy("SQLite in memory", &db, users, runs).await?)
            }
            "sqlite-file" => {
                std::fs::create_dir_all(&cfg.sqlite_dir)?;
                let path = cfg.sqlite_dir.join("anatomy.db");
                let db = Db::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
                let table = anatomy::anatomy("SQLite file (WAL)", &db, users, runs).await?;
                db.close().await;
                let _ = std::fs::remove_dir_all(&cfg.sqlite_dir);
                Some(table)
            }
            "postgres" => {
                with_postgres(cfg, async |url| {
                    let db = Db::builder(url).max_connections(1).connect().await?;
                    let table = anatomy::anatomy("PostgreSQL", &db, users, runs).await?;
                    db.close().await;
                    Ok(table)
                })
                .await?
            }
            "mariadb" => {
                with_mysql(cfg, async |url| {
                    let db = Db::builder(url).max_connections(1).connect().await?;
                    let table = anatomy::anatomy("MariaDB", &db, users, runs).await?;
                    db.close().await;
                    Ok(table)
                })
                .await?
            }
            _ => None,
        };
        md.extend(table);
    }
    println!("{md}");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args).await {
        eprintln!("orm-bench: {e}");
        std::process::exit(1);
    }
}

/// The suite on one backend (`None`: the server cannot be reached).
async fn bench_suite(cfg: &Config, backend: &str) -> Result<Option<suite::SuiteReport>> {
    // The local server's processes are pinned with the benchmark's threads.
    let servers = match backend {
        "postgres" if pin::is_local(&cfg.postgres_url) => vec!["postgres"],
        "mariadb" if pin::is_local(&cfg.mysql_url) => vec!["mariadbd", "mysqld"],
        _ => Vec::new(),
    };
    let plan = suite::SuitePlan {
        runs: cfg.suite_runs,
        warmup: 1,
        only: cfg.only.clone(),
        pin: cfg.pin.map(|cpu| pin::Pin { cpu, servers }),
    };
    match backend {
        "sqlite-memory" => {
            let target = suite::Target::SqliteMemory;
            suite::run("SQLite in memory", &target, &plan)
                .await
                .map(Some)
        }
        "sqlite-file" => {
            let dir = cfg.sqlite_dir.join("suite");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            let target = suite::Target::SqliteFile(dir.join("suite.db"));
            let report = suite::run("SQLite file (WAL)", &target, &plan).await;
            let _ = std::fs::remove_dir_all(&dir);
            report.map(Some)
        }
        "postgres" => {
            with_postgres(cfg, async |url| {
                let target = suite::Target::Postgres(url.to_owned());
                suite::run("PostgreSQL", &target, &plan).await
            })
            .await
        }
        "mariadb" => {
            with_mysql(cfg, async |url| {
                let target = suite::Target::Mysql(url.to_owned());
                let mut report = suite::run("MariaDB", &target, &plan).await?;
                if !report.version.contains("MariaDB") {
                    report.backend = "MySQL";
                }
                Ok(report)
            })
            .await
        }
        _ => Ok(None),
    }
}

/// The command line as the report shows it: where the report is written does not change it.
fn shown_command(args: &[String]) -> String {
    let mut shown: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => {
                it.next();
            }
            "--no-write" => {}
            other => shown.push(other),
        }
    }
    if shown.is_empty() {
        "cd bench && cargo run --release".to_owned()
    } else {
        format!("cd bench && cargo run --release -- {}", shown.join(" "))
    }
}

async fn run(args: &[String]) -> Result<()> {
    let cfg = parse_args(args)?;
    let mut machine = Machine::probe();
    let users = model::new_users(cfg.plan.rows);
    if cfg.anatomy {
        return anatomy(&cfg, &users).await;
    }
    let mut failures = Vec::new();
    let mut suite_reports = Vec::new();
    if cfg.sections.iter().any(|s| s == "suite") {
        for backend in &cfg.backends {
            eprintln!("== suite: {backend}");
            // One backend failing (a shared server restarting, say) must not lose the others.
            match bench_suite(&cfg, backend).await {
                Ok(report) => suite_reports.extend(report),
                Err(e) => {
                    eprintln!("suite on {backend} failed: {e}");
                    failures.push(format!("suite on {backend}: {e}"));
                }
            }
        }
    }
    let mut reports = Vec::new();
    if cfg.sections.iter().any(|s| s == "bulk") {
        for backend in &cfg.backends {
            eprintln!("== bulk: {backend}");
            let report = match backend.as_str() {
                "sqlite-memory" => bench_sqlite(&cfg, &users, false).await.map(Some),
                "sqlite-file" => bench_sqlite(&cfg, &users, true).await.map(Some),
                "postgres" => bench_postgres(&cfg, &users).await,
                "mariadb" => bench_mysql(&cfg, &users).await,
                _ => Ok(None),
            };
            match report {
                Ok(report) => reports.extend(report),
                Err(e) => {
                    eprintln!("bulk on {backend} failed: {e}");
                    failures.push(format!("bulk on {backend}: {e}"));
                }
            }
        }
    }
    machine.load_after = report::load_average();
    let command = shown_command(args);
    let mut sections = Vec::new();
    if !suite_reports.is_empty() {
        let md = format!(
            "{}\n{}\n{}",
            machine.header(&command),
            suite::report::markdown(&suite_reports, cfg.suite_runs, 1, cfg.pin),
            machine.footer()
        );
        sections.push(("suite", md));
    }
    if !reports.is_empty() {
        let md = report::markdown(&reports, &machine, cfg.plan, &command);
        sections.push(("bulk_create", md));
    }
    for (_, md) in &mut sections {
        for failure in &failures {
            md.push_str(&format!("\nFailed, not in the tables: {failure}\n"));
        }
        println!("{md}");
    }
    if !failures.is_empty() {
        return Err(format!("{} run(s) failed; docs not updated", failures.len()).into());
    }
    if sections.is_empty() {
        return Err("nothing could be measured; docs not updated".into());
    }
    if cfg.only.is_some() {
        // A filtered run is for a profiler; it must not replace the full table.
        eprintln!("--only given: docs not updated");
        return Ok(());
    }
    if let Some(out) = &cfg.out {
        for (section, md) in &sections {
            report::splice_into(out, section, md)?;
        }
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}
