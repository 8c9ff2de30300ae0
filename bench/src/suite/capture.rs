//! Recording the SQL the ORM sends, from the `tracing` event its executor emits for every
//! statement (`target: "orm::sql"`, field `sql`). The raw sqlx peer replays what was recorded,
//! so "raw sqlx" means the ORM's own statements without the ORM around them.
//!
//! The recorder is installed only for the untimed recording call, as this thread's default
//! dispatcher; timed runs see no subscriber.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Collects the `sql` field of `orm::sql` events.
#[derive(Default)]
struct Recorder {
    statements: Arc<Mutex<Vec<String>>>,
}

struct SqlField<'a>(&'a mut Option<String>);

impl Visit for SqlField<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "sql" {
            *self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "sql" && self.0.is_none() {
            *self.0 = Some(format!("{value:?}"));
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "orm::sql"
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut sql = None;
        event.record(&mut SqlField(&mut sql));
        if let (Some(sql), Ok(mut all)) = (sql, self.statements.lock()) {
            all.push(sql);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Runs `f` and returns its output with the SQL statements the ORM executed meanwhile
/// (transaction control left out).
pub async fn record<T>(f: impl Future<Output = T>) -> (T, Vec<String>) {
    let statements = Arc::new(Mutex::new(Vec::new()));
    let recorder = Recorder {
        statements: Arc::clone(&statements),
    };
    let guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(recorder));
    let out = f.await;
    drop(guard);
    let all = statements.lock().map(|s| s.clone()).unwrap_or_default();
    let control = ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"];
    let kept = all
        .into_iter()
        .filter(|s| {
            let head = s.trim_start().to_ascii_uppercase();
            !control.iter().any(|c| head.starts_with(c))
        })
        .collect();
    (out, kept)
}

/// Bound parameters in `sql`: `?` or the highest `$n`. Values never appear in the ORM's SQL
/// text, so counting placeholder characters is exact.
pub fn placeholders(sql: &str) -> usize {
    let questions = sql.matches('?').count();
    if questions > 0 {
        return questions;
    }
    let bytes = sql.as_bytes();
    let mut max = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            max = max.max(digits.parse::<usize>().unwrap_or(0));
            i += digits.len();
        }
        i += 1;
    }
    max
}
