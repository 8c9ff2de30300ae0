//! PostgreSQL: `bulk_create` of many rows goes through COPY. Values, ids and errors must be
//! exactly what the INSERT path gives; where COPY cannot vouch for the ids it must fall back.
//! These tests run only when `ORM_TEST_POSTGRES_URL` is set.

use std::sync::Mutex;
use std::thread::ThreadId;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use orm::prelude::*;
use orm::{Executor, RenderedSql};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// More rows than the COPY threshold (500 rows and 128 KiB of data: `users` rows are ~60
/// bytes, and a few `every` rows carry 30 KB of text).
const MANY: usize = 4_000;
/// Rows of every type: fewer, wider.
const EVERY: usize = 600;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "copy_every")]
struct Every {
    #[orm(primary_key)]
    id: i64,
    small: i16,
    medium: i32,
    big: i64,
    single: f32,
    double: f64,
    flag: bool,
    text: String,
    bytes: Vec<u8>,
    at: DateTime<Utc>,
    local: NaiveDateTime,
    day: NaiveDate,
    doc: serde_json::Value,
    maybe_small: Option<i16>,
    maybe_int: Option<i32>,
    maybe_big: Option<i64>,
    maybe_single: Option<f32>,
    maybe_double: Option<f64>,
    maybe_flag: Option<bool>,
    maybe_text: Option<String>,
    maybe_bytes: Option<Vec<u8>>,
    maybe_at: Option<DateTime<Utc>>,
    maybe_local: Option<NaiveDateTime>,
    maybe_day: Option<NaiveDate>,
    maybe_doc: Option<serde_json::Value>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "copy_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    name: String,
    hair_color: Option<String>,
}

/// A model over a table the ORM did not create: `serial` (int4) key, `numeric` price.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "copy_prices")]
struct Price {
    #[orm(primary_key)]
    id: i64,
    name: String,
    price: Option<f64>,
    qty: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "copy_jobs")]
struct Job {
    #[orm(primary_key)]
    id: i64,
    name: String,
    #[orm(default = "'queued'")]
    state: Option<String>,
}

/// The SQL of every statement event, with the thread it ran on: each test runs on its own
/// thread (a current-thread runtime). One global subscriber: per-thread ones come and go with
/// the tests, and an event site first reached while none was alive stays switched off.
static EVENTS: Mutex<Vec<(ThreadId, String)>> = Mutex::new(Vec::new());

struct Recorder;

struct SqlField(String);

impl Visit for SqlField {
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "sql" {
            self.0 = value.to_owned();
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("orm")
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut sql = SqlField(String::new());
        event.record(&mut sql);
        let thread = std::thread::current().id();
        EVENTS.lock().unwrap().push((thread, sql.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The statements of the current thread's test.
struct Statements(ThreadId);

impl Statements {
    fn record() -> Self {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| tracing::subscriber::set_global_default(Recorder).unwrap());
        let statements = Statements(std::thread::current().id());
        statements.copies();
        statements
    }

    /// The COPY statements seen on this thread since the last call.
    fn copies(&self) -> Vec<String> {
        let mut events = EVENTS.lock().unwrap();
        let mut copies = Vec::new();
        events.retain(|(thread, sql)| {
            if *thread != self.0 {
                return true;
            }
            if sql.starts_with("COPY") {
                copies.push(sql.clone());
            }
            false
        });
        copies
    }
}

async fn postgres(test: &str) -> Option<Db> {
    let found = tests::backends(test)
        .await
        .into_iter()
        .find(|t| t.name == "postgres");
    found.map(|t| t.db)
}

async fn run(db: &Db, sql: &str) {
    db.execute_raw(sql, vec![]).await.unwrap();
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    db.fetch_raw(sql, vec![]).await.unwrap()[0]
        .try_get(0)
        .unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> DateTime<Utc> {
    let date = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
    let time = NaiveTime::from_hms_nano_opt(h, mi, s, nanos).unwrap();
    Utc.from_utc_datetime(&date.and_time(time))
}

/// Row `i` of a set that cycles through edge values of every type, NULLs in every third row.
fn every(i: usize) -> Every {
    let texts = [
        "",
        "plain",
        "tab\there\nnew line\r\ncrlf",
        "back\\slash \\N \\. \\x00 \\t",
        "\\",
        "unicode ☃ 😀 \u{200b} \u{feff} é",
        "'; DROP TABLE copy_every; --",
        "\u{1}\u{7f}\u{1b}[0m",
        "\\.\n\\.",
    ];
    let singles = [
        0.0,
        -0.0,
        0.1,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
    ];
    let doubles = [
        0.0,
        -0.0,
        0.1,
        1e300,
        -2.5e-300,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        5e-324,
        1.0 / 3.0,
    ];
    let ats = [
        utc(2024, 2, 29, 23, 59, 58, 0),
        utc(1970, 1, 1, 0, 0, 0, 0),
        utc(1999, 12, 31, 23, 59, 59, 999_999_000),
        utc(1969, 7, 20, 20, 17, 40, 123_456_789),
        utc(2030, 1, 1, 0, 0, 0, 987_654_321),
        utc(1, 1, 1, 0, 0, 0, 0),
        utc(0, 6, 15, 12, 0, 0, 0),
        utc(-4712, 1, 1, 0, 0, 0, 0),
        utc(9999, 12, 31, 23, 59, 59, 999_999_000),
        utc(10000, 1, 1, 0, 0, 0, 0),
        utc(200000, 7, 4, 1, 2, 3, 4_000),
        utc(2016, 12, 31, 23, 59, 59, 1_500_000_000),
    ];
    let days = [
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(0, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(-4712, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(262_000, 2, 28).unwrap(),
    ];
    let docs = [
        serde_json::json!(null),
        serde_json::json!({}),
        serde_json::json!({"a": [1, 2.5, -3e300, "x\ty\n\\\"z"], "b": {"c": null, "d": true}}),
        serde_json::json!("\\N\t☃"),
        serde_json::json!(u64::MAX),
        serde_json::json!([[], {}, ""]),
    ];
    let bytes: [&[u8]; 5] = [b"", b"\0\xff\\\t\n\r", b"\\x41", b"\\N", &[0x80; 40]];
    let at = ats[i % ats.len()];
    let maybe = !i.is_multiple_of(3);
    let long_text = "λ\\\t".repeat(10_000);
    Every {
        id: 0,
        small: [0, i16::MIN, i16::MAX, -1][i % 4],
        medium: [0, i32::MIN, i32::MAX, 7][i % 4],
        big: [0, i64::MIN, i64::MAX, i as i64][i % 4],
        single: singles[i % singles.len()],
        double: doubles[i % doubles.len()],
        flag: i.is_multiple_of(2),
        text: if i % 97 == 5 {
            long_text
        } else {
            texts[i % texts.len()].to_owned()
        },
        bytes: bytes[i % bytes.len()].to_vec(),
        at,
        local: at.naive_utc(),
        day: days[i % days.len()],
        doc: docs[i % docs.len()].clone(),
        maybe_small: maybe.then_some(i16::MIN),
        maybe_int: maybe.then_some(i32::MAX),
        maybe_big: maybe.then_some(i64::MIN),
        maybe_single: maybe.then_some(singles[(i + 3) % singles.len()]),
        maybe_double: maybe.then_some(doubles[(i + 5) % doubles.len()]),
        maybe_flag: maybe.then_some(i % 4 == 1),
        maybe_text: maybe.then(|| texts[(i + 2) % texts.len()].to_owned()),
        maybe_bytes: maybe.then(|| bytes[(i + 1) % bytes.len()].to_vec()),
        maybe_at: maybe.then_some(ats[(i + 4) % ats.len()]),
        maybe_local: maybe.then_some(ats[(i + 7) % ats.len()].naive_utc()),
        maybe_day: maybe.then_some(days[(i + 1) % days.len()]),
        maybe_doc: maybe.then(|| docs[(i + 2) % docs.len()].clone()),
    }
}

/// `{:?}` without the id: NaN equals NaN and -0.0 differs from 0.0.
fn shown(row: &Every) -> String {
    format!(
        "{:?}",
        Every {
            id: 0,
            ..row.clone()
        }
    )
}

/// Inserts `MANY` rows through COPY, then the same rows through INSERT (bulk_create in
/// groups under the threshold), and checks both halves read back identically and in order.
async fn copy_matches_insert(db: &Db, expect_format: &str) {
    let statements = Statements::record();
    let rows: Vec<Every> = (0..EVERY).map(every).collect();
    let copied = Every::bulk_create(db, rows.clone()).await.unwrap();
    let copies = statements.copies();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].contains(expect_format), "{}", copies[0]);
    let mut inserted = Vec::new();
    for chunk in rows.chunks(100) {
        inserted.extend(Every::bulk_create(db, chunk.to_vec()).await.unwrap());
    }
    assert!(
        statements.copies().is_empty(),
        "chunks of 100 rows go through INSERT"
    );
    let stored = Every::query()
        .order_by(|e| e.id.asc())
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2 * EVERY);
    let (from_copy, from_insert) = stored.split_at(EVERY);
    for i in 0..EVERY {
        assert_eq!(
            from_copy[i].id, copied[i].id,
            "row {i}: the id handed back is the stored one"
        );
        assert_eq!(from_insert[i].id, inserted[i].id);
        assert_eq!(shown(&from_copy[i]), shown(&from_insert[i]), "row {i}");
    }
    // Rows without sub-microsecond parts or leap seconds come back exactly as given.
    for i in [0, 1, 2, 5, 6] {
        assert_eq!(shown(&from_copy[i]), shown(&rows[i]), "row {i}");
    }
}

#[tokio::test]
async fn every_value_round_trips_through_binary_copy_as_through_insert() {
    let Some(db) = postgres("copy_every_binary").await else {
        return;
    };
    orm::schema::create_table::<Every>(&db).await.unwrap();
    copy_matches_insert(&db, "FORMAT binary").await;
}

#[tokio::test]
async fn every_value_round_trips_through_text_copy_as_through_insert() {
    let Some(db) = postgres("copy_every_text").await else {
        return;
    };
    orm::schema::create_table::<Every>(&db).await.unwrap();
    // A column type the ORM would not create: the whole COPY goes as text.
    run(
        &db,
        "ALTER TABLE copy_every ALTER COLUMN text TYPE varchar(50000)",
    )
    .await;
    copy_matches_insert(&db, "FROM STDIN").await;
}

fn users(n: usize, prefix: &str) -> Vec<User> {
    (0..n)
        .map(|i| User {
            id: 0,
            name: format!("{prefix}{i} with some width to the row"),
            hair_color: i.is_multiple_of(2).then(|| "black".to_owned()),
        })
        .collect()
}

/// Every row's stored id is the one handed back, and ids follow the input order.
async fn assert_ids_stored(db: &Db, created: &[User]) {
    let stored: Vec<(i64, String)> = User::query()
        .values(|u| (u.id, u.name))
        .all(db)
        .await
        .unwrap();
    let by_name: std::collections::HashMap<String, i64> =
        stored.into_iter().map(|(id, name)| (name, id)).collect();
    for user in created {
        assert_eq!(by_name.get(&user.name), Some(&user.id), "{}", user.name);
    }
}

#[tokio::test]
async fn copy_ids_are_what_inserts_give_in_input_order() {
    let Some(db) = postgres("copy_ids").await else {
        return;
    };
    orm::schema::create_table::<User>(&db).await.unwrap();
    let statements = Statements::record();
    // A never-used sequence: ids start at 1, as the first INSERT would give.
    let first = User::bulk_create(&db, users(MANY, "a")).await.unwrap();
    assert_eq!(statements.copies().len(), 1);
    let ids: Vec<i64> = first.iter().map(|u| u.id).collect();
    assert_eq!(ids, (1..=MANY as i64).collect::<Vec<_>>());
    let mut one = users(1, "single").remove(0);
    one.insert(&db).await.unwrap();
    assert_eq!(one.id, MANY as i64 + 1);
    let second = User::bulk_create(&db, users(MANY, "b")).await.unwrap();
    assert_eq!(second[0].id, MANY as i64 + 2);
    assert!(second.windows(2).all(|w| w[1].id == w[0].id + 1));
    // A sequence stepping by 5 from a restarted value.
    run(
        &db,
        "ALTER SEQUENCE copy_users_id_seq INCREMENT BY 5 RESTART WITH 10000",
    )
    .await;
    let third = User::bulk_create(&db, users(MANY, "c")).await.unwrap();
    assert_eq!(statements.copies().len(), 2);
    let ids: Vec<i64> = third.iter().map(|u| u.id).collect();
    assert_eq!(
        ids,
        (0..MANY as i64).map(|k| 10_000 + 5 * k).collect::<Vec<_>>()
    );
    for created in [&first, &second, &third] {
        assert_ids_stored(&db, created).await;
    }
    assert_eq!(User::query().count(&db).await.unwrap(), 3 * MANY as i64 + 1);
}

#[tokio::test]
async fn copy_is_skipped_where_it_cannot_apply() {
    let Some(db) = postgres("copy_skipped").await else {
        return;
    };
    orm::schema::create_table::<User>(&db).await.unwrap();
    orm::schema::create_table::<Job>(&db).await.unwrap();
    let statements = Statements::record();
    User::bulk_create(&db, users(499, "few")).await.unwrap();
    assert!(
        statements.copies().is_empty(),
        "fewer rows than the threshold"
    );
    User::bulk_create(&db, users(1_500, "narrow"))
        .await
        .unwrap();
    assert!(
        statements.copies().is_empty(),
        "less data than the threshold"
    );
    // A defaulted column left unset needs RETURNING.
    let jobs: Vec<Job> = (0..MANY)
        .map(|i| Job {
            id: 0,
            name: format!("j{i}"),
            state: None,
        })
        .collect();
    let jobs = Job::bulk_create(&db, jobs).await.unwrap();
    assert!(statements.copies().is_empty(), "defaulted column");
    assert!(jobs.iter().all(|j| j.state.as_deref() == Some("queued")));
    // Explicit ids: no sequence to read, COPY applies and the sequence moves past them.
    let explicit: Vec<User> = users(MANY, "x")
        .into_iter()
        .enumerate()
        .map(|(i, u)| User {
            id: 100_000 + i as i64,
            ..u
        })
        .collect();
    let explicit = User::bulk_create(&db, explicit).await.unwrap();
    assert_eq!(statements.copies().len(), 1);
    assert_ids_stored(&db, &explicit).await;
    let mut after = users(1, "after").remove(0);
    after.insert(&db).await.unwrap();
    assert_eq!(after.id, 100_000 + MANY as i64);
    // A sequence caching several values hands each session its own block.
    run(&db, "ALTER SEQUENCE copy_users_id_seq CACHE 10").await;
    let cached = User::bulk_create(&db, users(MANY, "cached")).await.unwrap();
    assert!(statements.copies().is_empty(), "cached sequence");
    assert_ids_stored(&db, &cached).await;
}

#[tokio::test]
async fn interleaved_sequence_values_send_the_rows_through_insert_returning() {
    let Some((_, url)) = tests::backend_urls("copy_interleaved")
        .await
        .into_iter()
        .find(|(t, _)| t.name == "postgres")
    else {
        return;
    };
    let db = Db::connect(&url).await.unwrap();
    let other = Db::connect(&url).await.unwrap();
    orm::schema::create_table::<User>(&db).await.unwrap();
    // Another session holds an uncommitted row whose name the COPY's second row repeats: the
    // COPY waits on that row's unique-index entry after its first batch took its ids.
    let n = MANY;
    let rows = users(n, "a");
    let mut blocker = other.begin().await.unwrap();
    (&mut blocker)
        .execute_sql(RenderedSql::new(
            "INSERT INTO copy_users (id, name) VALUES (-1, $1)".into(),
            vec![Value::Text(rows[1].name.clone())],
        ))
        .await
        .unwrap();
    let copying = tokio::spawn({
        let db = db.clone();
        async move { User::bulk_create(&db, rows).await }
    });
    let waiting = "SELECT count(*) FROM pg_stat_activity \
        WHERE wait_event_type = 'Lock' AND query LIKE 'COPY %copy_users%'";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while scalar(&other, waiting).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the COPY never waited"
        );
        tokio::task::yield_now().await;
    }
    // While it waits, this session takes a value of the same sequence, then lets go.
    (&mut blocker)
        .execute_sql(RenderedSql::new(
            "SELECT nextval(pg_get_serial_sequence('copy_users', 'id'))".into(),
            vec![],
        ))
        .await
        .unwrap();
    blocker.rollback().await.unwrap();
    let created = copying.await.unwrap().unwrap();
    // The COPY took n values and the other session one; the rows were then inserted again.
    let ids: Vec<i64> = created.iter().map(|u| u.id).collect();
    let first = n as i64 + 2;
    assert_eq!(ids, (first..first + n as i64).collect::<Vec<_>>());
    assert_eq!(User::query().count(&db).await.unwrap(), n as i64);
    assert_ids_stored(&db, &created).await;
}

#[tokio::test]
async fn a_duplicate_key_mid_copy_leaves_the_table_unchanged() {
    let Some(db) = postgres("copy_duplicate").await else {
        return;
    };
    orm::schema::create_table::<User>(&db).await.unwrap();
    User::bulk_create(&db, users(10, "a")).await.unwrap();
    let mut rows = users(MANY, "b");
    rows[450].name = users(10, "a")[3].name.clone();
    let err = User::bulk_create(&db, rows.clone()).await.unwrap_err();
    match &err {
        Error::Database {
            kind, constraint, ..
        } => {
            assert_eq!(*kind, ErrorKind::UniqueViolation);
            assert!(constraint.is_some(), "{err}");
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    assert_eq!(User::query().count(&db).await.unwrap(), 10);
    // Inside the caller's transaction: the failed COPY is undone, the transaction goes on.
    let mut tx = db.begin().await.unwrap();
    let err = User::bulk_create(&mut tx, rows).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::UniqueViolation));
    User::bulk_create(&mut tx, users(MANY, "c")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(User::query().count(&db).await.unwrap(), 10 + MANY as i64);
    // NUL cannot be stored in PostgreSQL text: an encode error before anything is sent.
    let mut rows = users(MANY, "d");
    rows[3].name = "nul\0".into();
    let err = User::bulk_create(&db, rows).await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert_eq!(User::query().count(&db).await.unwrap(), 10 + MANY as i64);
    // A NUL in the last row, past the first 256 KB sent: the COPY under way is abandoned, on
    // a `Db` and in the caller's transaction, which goes on.
    let wide = |prefix: &str| {
        let mut rows = users(MANY, prefix);
        for row in &mut rows {
            row.name.push_str(&"x".repeat(100));
        }
        rows[MANY - 1].name.push('\0');
        rows
    };
    let err = User::bulk_create(&db, wide("e")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Encode { message } if message.contains("`name`")),
        "{err:?}"
    );
    assert_eq!(User::query().count(&db).await.unwrap(), 10 + MANY as i64);
    let mut tx = db.begin().await.unwrap();
    let err = User::bulk_create(&mut tx, wide("f")).await.unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    User::bulk_create(&mut tx, users(MANY, "g")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        User::query().count(&db).await.unwrap(),
        10 + 2 * MANY as i64
    );
}

#[tokio::test]
async fn a_table_of_foreign_shape_is_filled_through_text_copy() {
    let statements = Statements::record();
    let Some(db) = postgres("copy_foreign").await else {
        return;
    };
    run(
        &db,
        "CREATE TABLE copy_prices (id serial PRIMARY KEY, name varchar(60) NOT NULL, \
              price numeric(12, 2), qty integer NOT NULL)",
    )
    .await;
    statements.copies();
    let rows: Vec<Price> = (0..MANY)
        .map(|i| Price {
            id: 0,
            name: format!("item\t{i} of the price list"),
            price: (!i.is_multiple_of(5)).then_some(i as f64 * 1.25),
            qty: i as i64 - 300,
        })
        .collect();
    let created = Price::bulk_create(&db, rows.clone()).await.unwrap();
    let copies = statements.copies();
    assert_eq!(copies.len(), 1);
    assert!(!copies[0].contains("binary"), "{}", copies[0]);
    let stored = db
        .fetch_raw(
            "SELECT id::int8, name, price::float8, qty::int8 FROM copy_prices ORDER BY id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), MANY);
    for ((row, given), made) in stored.iter().zip(&rows).zip(&created) {
        assert_eq!(row.try_get::<i64>(0).unwrap(), made.id);
        assert_eq!(row.try_get::<String>(1).unwrap(), given.name);
        assert_eq!(row.try_get::<Option<f64>>(2).unwrap(), given.price);
        assert_eq!(row.try_get::<i64>(3).unwrap(), given.qty);
    }
    assert_eq!(created[0].id, 1);
    // A value the column cannot hold is the server's error, as with INSERT.
    let mut rows = rows;
    rows[9].qty = i64::MAX;
    let err = Price::bulk_create(&db, rows).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::Other), "{err}");
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM copy_prices").await,
        MANY as i64
    );
}
