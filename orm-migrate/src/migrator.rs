//! [`Migrator`]: the registered migrations and the commands that run them against a database,
//! one migration per transaction, under a lock, recording each in the history table.
//!
//! How a backend is locked and how its transactions are wrapped comes from
//! `orm::dialect::ddl::migration_script`; this module runs what it is given and never branches
//! on the backend.

use std::time::{Duration, Instant};

use chrono::Utc;
use orm::dialect::ddl::{self, DdlStep, LockSpec, ScriptStatement, TxScript};
use orm::{Db, Dialect, ErrorKind, Executor, RenderedSql, Row, Tx};
use sha2::{Digest, Sha256};

use crate::error::{Direction, MigrateError, Result};
use crate::history::{self, Record};
use crate::migration::Migration;
use crate::schema::{Schema, Step};
use crate::status::{MigrationState, MigrationStatus, PlannedMigration};

/// The history table's default name.
pub const DEFAULT_TABLE: &str = "orm_migrations";

/// The registered migrations, in the order they apply, and how to run them.
///
/// ```
/// # use orm_migrate::prelude::*;
/// # struct CreateTags;
/// # impl Migration for CreateTags {
/// #     fn name(&self) -> &str { "m20260101_000001_create_tags" }
/// #     fn up(&self, s: &mut Schema) { s.create_table("tags", |t| { t.id("id"); t.text("name"); }); }
/// #     fn down(&self, s: &mut Schema) { s.drop_table("tags"); }
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), MigrateError> {
/// let db = orm::Db::connect("sqlite::memory:").await?;
/// let migrator = Migrator::new().add(CreateTags);
/// assert_eq!(migrator.up(&db).await?, ["m20260101_000001_create_tags"]);
/// assert!(migrator.up(&db).await?.is_empty()); // nothing pending
/// migrator.down(&db, 1).await?;
/// # Ok(()) }
/// ```
pub struct Migrator {
    migrations: Vec<Box<dyn Migration>>,
    table: &'static str,
    lock_timeout: Duration,
    force: bool,
}

impl Default for Migrator {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Migrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("migrations", &self.names())
            .field("table", &self.table)
            .field("lock_timeout", &self.lock_timeout)
            .field("force", &self.force)
            .finish()
    }
}

/// A migration rendered for one dialect and direction.
struct Prepared<'m> {
    name: &'m str,
    steps: Vec<Step>,
}

impl Migrator {
    /// No migrations; history in `orm_migrations`; waits up to a minute for the lock.
    pub fn new() -> Self {
        Migrator {
            migrations: Vec::new(),
            table: DEFAULT_TABLE,
            lock_timeout: Duration::from_secs(60),
            force: false,
        }
    }

    /// Registers the next migration. Migrations apply in the order they are added.
    // `add` is the name the design promises (`Migrator::new().add(A).add(B)`); it is no sum.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn add(mut self, migration: impl Migration + 'static) -> Self {
        self.migrations.push(Box::new(migration));
        self
    }

    /// The history table's name.
    #[must_use]
    pub fn table(mut self, name: &'static str) -> Self {
        self.table = name;
        self
    }

    /// How long a run waits for another process's migration to finish.
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Runs `up` even when applied migrations changed since they were applied, and rolls back
    /// even when the database has applied migrations this program does not know.
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// The registered names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.migrations.iter().map(|m| m.name()).collect()
    }

    // ------------------------------------------------------------------------------ commands

    /// Applies every pending migration, in order, each in its own transaction. Returns the
    /// names applied (a migration another process applied meanwhile is skipped).
    pub async fn up(&self, db: &Db) -> Result<Vec<String>> {
        self.apply_up(db, None).await
    }

    /// Applies the pending migrations up to and including `name`.
    pub async fn up_to(&self, db: &Db, name: &str) -> Result<Vec<String>> {
        self.apply_up(db, Some(name)).await
    }

    /// Rolls back the `n` most recently applied migrations, newest first. Returns their names.
    pub async fn down(&self, db: &Db, n: usize) -> Result<Vec<String>> {
        let targets = self.down_targets(db, DownTarget::Count(n)).await?;
        self.roll_back(db, targets).await
    }

    /// Rolls back every migration applied after `name`, newest first; `name` stays applied.
    pub async fn down_to(&self, db: &Db, name: &str) -> Result<Vec<String>> {
        let targets = self.down_targets(db, DownTarget::After(name)).await?;
        self.roll_back(db, targets).await
    }

    /// Rolls back the newest applied migration and applies it again. Returns its name (none
    /// when nothing is applied).
    pub async fn redo(&self, db: &Db) -> Result<Vec<String>> {
        let targets = self.down_targets(db, DownTarget::Count(1)).await?;
        let mut redone = Vec::new();
        for migration in targets {
            let down = self.prepare(migration, db.dialect(), Direction::Down)?;
            self.run_one(db, &down, Direction::Down).await?;
            let up = self.prepare(migration, db.dialect(), Direction::Up)?;
            self.run_one(db, &up, Direction::Up).await?;
            redone.push(migration.name().to_owned());
        }
        Ok(redone)
    }

    /// Drops every table and view of the database (the current schema on PostgreSQL), then
    /// applies every migration. Returns the names applied.
    pub async fn fresh(&self, db: &Db) -> Result<Vec<String>> {
        self.check_names()?;
        let dialect = db.dialect();
        let script = ddl::migration_script(dialect, &self.lock_spec(true));
        let mut tx = db.begin().await?;
        if let Err((statement, err)) = self.run_script(&mut tx, &script.begin, dialect).await {
            abort(tx, &script).await;
            return Err(lock_error(&statement, &err));
        }
        let dropped = async {
            let rows = fetch(&mut tx, ddl::list_objects(dialect)).await?;
            let mut objects = Vec::with_capacity(rows.len());
            for row in rows {
                objects.push((row.try_get::<String>(0)?, row.try_get::<String>(1)?));
            }
            for sql in ddl::drop_objects(dialect, &objects) {
                exec(&mut tx, sql).await?;
            }
            Ok::<_, orm::Error>(())
        }
        .await;
        if let Err(err) = dropped {
            abort(tx, &script).await;
            return Err(err.into());
        }
        if let Err((_, err)) = self.run_script(&mut tx, &script.commit, dialect).await {
            abort(tx, &script).await;
            return Err(err.into());
        }
        tx.commit().await?;
        self.up(db).await
    }

    /// Every registered migration with its state (applied with its time, pending, changed
    /// since applied), then the applied migrations this program does not know.
    pub async fn status(&self, db: &Db) -> Result<Vec<MigrationStatus>> {
        self.check_names()?;
        let records = self.records(db).await?;
        let mut out = Vec::with_capacity(self.migrations.len());
        for migration in &self.migrations {
            let record = records.iter().find(|r| r.name == migration.name());
            let state = match record {
                None => MigrationState::Pending,
                Some(r) => {
                    let up = self.prepare(migration.as_ref(), db.dialect(), Direction::Up)?;
                    if checksum(&up.steps) == r.checksum {
                        MigrationState::Applied
                    } else {
                        MigrationState::Changed
                    }
                }
            };
            out.push(MigrationStatus {
                name: migration.name().to_owned(),
                state,
                applied_at: record.map(|r| r.applied_at),
                duration: record.map(|r| r.duration),
            });
        }
        for record in records.iter().filter(|r| !self.is_registered(&r.name)) {
            out.push(MigrationStatus {
                name: record.name.clone(),
                state: MigrationState::Unknown,
                applied_at: Some(record.applied_at),
                duration: Some(record.duration),
            });
        }
        Ok(out)
    }

    /// Dry run of [`up`](Self::up): the SQL each pending migration would run. Nothing is
    /// executed and the history table is not created.
    pub async fn plan(&self, db: &Db) -> Result<Vec<PlannedMigration>> {
        self.plan_up(db, None).await
    }

    /// Dry run of [`up_to`](Self::up_to).
    pub async fn plan_up_to(&self, db: &Db, name: &str) -> Result<Vec<PlannedMigration>> {
        self.plan_up(db, Some(name)).await
    }

    /// Dry run of [`down`](Self::down).
    pub async fn plan_down(&self, db: &Db, n: usize) -> Result<Vec<PlannedMigration>> {
        let targets = self.down_targets(db, DownTarget::Count(n)).await?;
        self.plan_of(targets, db.dialect(), Direction::Down)
    }

    /// Dry run of [`down_to`](Self::down_to).
    pub async fn plan_down_to(&self, db: &Db, name: &str) -> Result<Vec<PlannedMigration>> {
        let targets = self.down_targets(db, DownTarget::After(name)).await?;
        self.plan_of(targets, db.dialect(), Direction::Down)
    }

    // ------------------------------------------------------------------------------- helpers

    async fn apply_up(&self, db: &Db, target: Option<&str>) -> Result<Vec<String>> {
        let pending = self.pending(db, target, true).await?;
        let mut applied = Vec::new();
        for migration in pending {
            let prepared = self.prepare(migration, db.dialect(), Direction::Up)?;
            if self.run_one(db, &prepared, Direction::Up).await? {
                applied.push(migration.name().to_owned());
            }
        }
        Ok(applied)
    }

    async fn plan_up(&self, db: &Db, target: Option<&str>) -> Result<Vec<PlannedMigration>> {
        let pending = self.pending(db, target, false).await?;
        self.plan_of(pending, db.dialect(), Direction::Up)
    }

    fn plan_of(
        &self,
        migrations: Vec<&dyn Migration>,
        dialect: Dialect,
        direction: Direction,
    ) -> Result<Vec<PlannedMigration>> {
        migrations
            .into_iter()
            .map(|m| {
                let prepared = self.prepare(m, dialect, direction)?;
                Ok(PlannedMigration {
                    name: m.name().to_owned(),
                    direction,
                    statements: prepared.steps.iter().map(Step::describe).collect(),
                })
            })
            .collect()
    }

    /// The pending migrations up to `target`, refusing when applied ones changed (unless
    /// forced). `create` makes the history table when it is missing.
    async fn pending(
        &self,
        db: &Db,
        target: Option<&str>,
        create: bool,
    ) -> Result<Vec<&dyn Migration>> {
        self.check_names()?;
        let last = target.map(|name| self.position(name)).transpose()?;
        if create {
            self.ensure_history(db).await?;
        }
        let records = self.records(db).await?;
        if !self.force {
            let mut changed = Vec::new();
            for record in &records {
                if let Some(migration) = self.find(&record.name) {
                    let up = self.prepare(migration, db.dialect(), Direction::Up)?;
                    if checksum(&up.steps) != record.checksum {
                        changed.push(record.name.clone());
                    }
                }
            }
            if !changed.is_empty() {
                return Err(MigrateError::Changed {
                    migrations: changed,
                });
            }
        }
        Ok(self
            .migrations
            .iter()
            .enumerate()
            .filter(|(i, _)| last.is_none_or(|last| *i <= last))
            .filter(|(_, m)| !records.iter().any(|r| r.name == m.name()))
            .map(|(_, m)| m.as_ref())
            .collect())
    }

    async fn down_targets(&self, db: &Db, target: DownTarget<'_>) -> Result<Vec<&dyn Migration>> {
        self.check_names()?;
        let records = self.records(db).await?;
        let unknown: Vec<String> = records
            .iter()
            .filter(|r| !self.is_registered(&r.name))
            .map(|r| r.name.clone())
            .collect();
        if !unknown.is_empty() && !self.force {
            return Err(MigrateError::UnknownApplied {
                migrations: unknown,
            });
        }
        let applied: Vec<(usize, &dyn Migration)> = self
            .migrations
            .iter()
            .enumerate()
            .filter(|(_, m)| records.iter().any(|r| r.name == m.name()))
            .map(|(i, m)| (i, m.as_ref()))
            .rev()
            .collect();
        Ok(match target {
            DownTarget::Count(n) => applied.into_iter().take(n).map(|(_, m)| m).collect(),
            DownTarget::After(name) => {
                let keep = self.position(name)?;
                if !records.iter().any(|r| r.name == name) {
                    return Err(MigrateError::NotApplied {
                        name: name.to_owned(),
                    });
                }
                applied
                    .into_iter()
                    .filter(|(i, _)| *i > keep)
                    .map(|(_, m)| m)
                    .collect()
            }
        })
    }

    async fn roll_back(&self, db: &Db, targets: Vec<&dyn Migration>) -> Result<Vec<String>> {
        // Render every down first: an irreversible one stops the run before anything runs.
        let prepared: Vec<Prepared<'_>> = targets
            .iter()
            .map(|m| self.prepare(*m, db.dialect(), Direction::Down))
            .collect::<Result<_>>()?;
        let mut rolled_back = Vec::new();
        for p in &prepared {
            if self.run_one(db, p, Direction::Down).await? {
                rolled_back.push(p.name.to_owned());
            }
        }
        Ok(rolled_back)
    }

    /// Runs one migration in its own locked transaction. Returns false when the history shows
    /// another process already did it.
    async fn run_one(&self, db: &Db, p: &Prepared<'_>, direction: Direction) -> Result<bool> {
        let dialect = db.dialect();
        let relax = p.steps.iter().any(Step::is_rebuild);
        let script = ddl::migration_script(dialect, &self.lock_spec(relax));
        let failed =
            |statement: String, source: orm::Error, rolled_back: bool| MigrateError::Failed {
                migration: p.name.to_owned(),
                direction,
                statement,
                rolled_back,
                source: Box::new(source),
            };
        let mut tx = db.begin().await?;
        if let Err((statement, err)) = self.run_script(&mut tx, &script.begin, dialect).await {
            abort(tx, &script).await;
            return Err(lock_error(&statement, &err));
        }
        let recorded = match history::contains(&mut tx, self.table, p.name).await {
            Ok(recorded) => recorded,
            Err(err) => {
                abort(tx, &script).await;
                return Err(err.into());
            }
        };
        if recorded == (direction == Direction::Up) {
            if let Err((statement, err)) = self.run_script(&mut tx, &script.commit, dialect).await {
                abort(tx, &script).await;
                return Err(failed(statement, err, true));
            }
            tx.commit().await?;
            tracing::info!(target: "orm_migrate", migration = p.name, %direction, "already done by another process");
            return Ok(false);
        }
        let started = Instant::now();
        for step in &p.steps {
            if let Err((statement, err)) = run_step(&mut tx, step).await {
                abort(tx, &script).await;
                return Err(failed(statement, err, script.transactional_ddl));
            }
        }
        let record = match direction {
            Direction::Up => history::insert(
                self.table,
                &Record {
                    name: p.name.to_owned(),
                    checksum: checksum(&p.steps),
                    applied_at: Utc::now(),
                    duration: started.elapsed(),
                },
                dialect,
            ),
            Direction::Down => history::delete(self.table, p.name, dialect),
        };
        let recorded = match record {
            Ok(sql) => {
                let text = sql.sql.clone();
                exec(&mut tx, sql).await.map_err(|e| (text, e))
            }
            Err(e) => Err((String::from("history"), e)),
        };
        if let Err((statement, err)) = recorded {
            abort(tx, &script).await;
            return Err(failed(statement, err, script.transactional_ddl));
        }
        if let Err((statement, err)) = self.run_script(&mut tx, &script.commit, dialect).await {
            abort(tx, &script).await;
            return Err(failed(statement, err, script.transactional_ddl));
        }
        if let Err(err) = tx.commit().await {
            return Err(failed("COMMIT".into(), err, script.transactional_ddl));
        }
        tracing::info!(
            target: "orm_migrate",
            migration = p.name,
            %direction,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "migration done"
        );
        Ok(true)
    }

    /// Creates the history table under the lock, if it is missing.
    async fn ensure_history(&self, db: &Db) -> Result<()> {
        if history::exists(db, self.table).await? {
            return Ok(());
        }
        let dialect = db.dialect();
        let create = history::create(self.table)
            .render(dialect)
            .map_err(MigrateError::Database)?;
        let script = ddl::migration_script(dialect, &self.lock_spec(false));
        let mut tx = db.begin().await?;
        if let Err((statement, err)) = self.run_script(&mut tx, &script.begin, dialect).await {
            abort(tx, &script).await;
            return Err(lock_error(&statement, &err));
        }
        for step in &create {
            if let DdlStep::Sql(sql) = step
                && let Err(err) = exec(&mut tx, sql.clone()).await
            {
                abort(tx, &script).await;
                return Err(err.into());
            }
        }
        if let Err((_, err)) = self.run_script(&mut tx, &script.commit, dialect).await {
            abort(tx, &script).await;
            return Err(err.into());
        }
        tx.commit().await?;
        Ok(())
    }

    /// The history, or nothing when the table does not exist yet.
    async fn records(&self, db: &Db) -> Result<Vec<Record>> {
        if !history::exists(db, self.table).await? {
            return Ok(Vec::new());
        }
        Ok(history::load(db, self.table).await?)
    }

    /// Runs the statements of a script; the failing statement and error on failure.
    async fn run_script(
        &self,
        tx: &mut Tx<'_>,
        statements: &[ScriptStatement],
        dialect: Dialect,
    ) -> std::result::Result<(), (String, orm::Error)> {
        for statement in statements {
            let deadline = Instant::now() + self.lock_timeout;
            loop {
                let result = run_script_statement(tx, statement).await;
                match result {
                    Ok(()) => break,
                    Err(err)
                        if statement.retry_when_busy
                            && ddl::is_busy(dialect, &err)
                            && Instant::now() < deadline =>
                    {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    Err(err) => return Err((statement.sql.sql.clone(), err)),
                }
            }
        }
        Ok(())
    }

    fn lock_spec(&self, relax_foreign_keys: bool) -> LockSpec {
        LockSpec {
            name: format!("orm_migrate:{}", self.table),
            timeout: self.lock_timeout,
            relax_foreign_keys,
        }
    }

    fn prepare<'m>(
        &self,
        migration: &'m dyn Migration,
        dialect: Dialect,
        direction: Direction,
    ) -> Result<Prepared<'m>> {
        let mut schema = Schema::new(dialect);
        match direction {
            Direction::Up => migration.up(&mut schema),
            Direction::Down => migration.down(&mut schema),
        }
        if let Some(reason) = schema.irreversible_reason() {
            return Err(MigrateError::Irreversible {
                migration: migration.name().to_owned(),
                reason: reason.to_owned(),
            });
        }
        let steps = schema.render().map_err(|source| MigrateError::Render {
            migration: migration.name().to_owned(),
            source,
        })?;
        Ok(Prepared {
            name: migration.name(),
            steps,
        })
    }

    fn check_names(&self) -> Result<()> {
        for (i, m) in self.migrations.iter().enumerate() {
            if self.migrations[..i].iter().any(|o| o.name() == m.name()) {
                return Err(MigrateError::DuplicateName {
                    name: m.name().to_owned(),
                });
            }
        }
        Ok(())
    }

    fn find(&self, name: &str) -> Option<&dyn Migration> {
        self.migrations
            .iter()
            .find(|m| m.name() == name)
            .map(|m| m.as_ref())
    }

    fn is_registered(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn position(&self, name: &str) -> Result<usize> {
        self.migrations
            .iter()
            .position(|m| m.name() == name)
            .ok_or_else(|| MigrateError::UnknownMigration {
                name: name.to_owned(),
            })
    }
}

enum DownTarget<'a> {
    Count(usize),
    After(&'a str),
}

/// The checksum of a migration's rendered up steps: SHA-256, hex.
fn checksum(steps: &[Step]) -> String {
    let mut hasher = Sha256::new();
    for step in steps {
        hasher.update(step.describe().as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn lock_error(statement: &str, err: &orm::Error) -> MigrateError {
    MigrateError::Lock {
        reason: format!("`{statement}`: {err}"),
    }
}

/// Runs the rollback script (ignoring its errors: the transaction may already be gone) and
/// rolls back.
async fn abort(mut tx: Tx<'_>, script: &TxScript) {
    for statement in &script.rollback {
        let _ = exec(&mut tx, statement.sql.clone()).await;
    }
    let _ = tx.rollback().await;
}

async fn run_script_statement(tx: &mut Tx<'_>, statement: &ScriptStatement) -> orm::Result<()> {
    if !statement.expect_one {
        return exec(tx, statement.sql.clone()).await;
    }
    let rows = fetch(tx, statement.sql.clone()).await?;
    let granted = match rows.first() {
        Some(row) => row.try_get::<Option<i64>>(0)? == Some(1),
        None => false,
    };
    if granted {
        Ok(())
    } else {
        Err(orm::Error::Database {
            kind: ErrorKind::Other,
            constraint: None,
            detail: None,
            row: None,
            message: "the lock was not granted in time (another process is migrating)".into(),
        })
    }
}

/// Runs one step; the failing statement and error on failure.
async fn run_step(tx: &mut Tx<'_>, step: &Step) -> std::result::Result<(), (String, orm::Error)> {
    match step {
        Step::Ddl(DdlStep::Sql(sql)) => exec(tx, sql.clone())
            .await
            .map_err(|e| (sql.sql.clone(), e)),
        Step::Ddl(DdlStep::Rebuild(rebuild)) => {
            let mut inspected = Vec::new();
            for query in rebuild.inspection() {
                let text = query.sql.clone();
                let rows = fetch(tx, query).await.map_err(|e| (text.clone(), e))?;
                inspected.push(rows_as_text(&rows).map_err(|e| (text, e))?);
            }
            let statements = rebuild
                .statements(&inspected)
                .map_err(|e| (rebuild.describe(), e))?;
            for sql in statements {
                let text = sql.sql.clone();
                exec(tx, sql).await.map_err(|e| (text, e))?;
            }
            let check = rebuild.verification();
            let text = check.sql.clone();
            let violations = fetch(tx, check).await.map_err(|e| (text.clone(), e))?;
            if !violations.is_empty() {
                return Err((
                    text,
                    orm::Error::Database {
                        kind: ErrorKind::ForeignKeyViolation,
                        constraint: None,
                        detail: None,
                        row: None,
                        message: format!(
                            "{} row(s) violate foreign keys of or referencing `{}`",
                            violations.len(),
                            rebuild.table
                        ),
                    },
                ));
            }
            Ok(())
        }
        Step::Data { label, run } => run(tx)
            .await
            .map_err(|e| (format!("data step \"{label}\""), e)),
    }
}

fn rows_as_text(rows: &[Row]) -> orm::Result<Vec<Vec<Option<String>>>> {
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.try_get::<Option<String>>(i))
                .collect()
        })
        .collect()
}

async fn exec(tx: &mut Tx<'_>, sql: RenderedSql) -> orm::Result<()> {
    let mut executor = tx;
    executor.execute_sql(sql).await.map(|_| ())
}

async fn fetch(tx: &mut Tx<'_>, sql: RenderedSql) -> orm::Result<Vec<Row>> {
    let mut executor = tx;
    executor.fetch_all_rows(sql).await
}
