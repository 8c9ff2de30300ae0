//! Opening databases from URLs: schemes, pool options, invalid input, SQLite defaults.

use std::time::Duration;

use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "conn_notes")]
struct Note {
    #[orm(primary_key)]
    id: i64,
    text: String,
}

fn invalid_reason(result: orm::Result<Db>) -> String {
    match result {
        Err(Error::InvalidUrl { reason, .. }) => reason,
        Err(other) => panic!("expected InvalidUrl, got {other:?}"),
        Ok(_) => panic!("expected InvalidUrl, got a connection"),
    }
}

#[tokio::test]
async fn an_unknown_scheme_is_invalid_url_naming_it() {
    let reason = invalid_reason(Db::connect("oracle://host/db").await);
    assert!(reason.contains("`oracle`"), "{reason}");
}

#[tokio::test]
async fn an_unknown_option_is_invalid_url_naming_it() {
    let reason = invalid_reason(Db::connect("sqlite::memory:?journal=off").await);
    assert!(reason.contains("`journal`"), "{reason}");
    let reason =
        invalid_reason(Db::connect("postgres://postgres@127.0.0.1/x?max_conections=3").await);
    assert!(
        reason.contains("`max_conections`") && reason.contains("max_connections"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_malformed_pool_option_is_invalid_url() {
    let reason = invalid_reason(Db::connect("sqlite::memory:?max_connections=many").await);
    assert!(
        reason.contains("max_connections") && reason.contains("many"),
        "{reason}"
    );
}

#[tokio::test]
async fn the_password_never_appears_in_url_errors() {
    let err = Db::connect("mysql://root:hunter2@127.0.0.1/x?bogus=1")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("bogus"), "{text}");
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_data_across_queries() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    orm::schema::create_table::<Note>(&db).await.unwrap();
    for i in 0..20 {
        Note {
            id: 0,
            text: format!("n{i}"),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    assert_eq!(Note::query().count(&db).await.unwrap(), 20);
}

#[tokio::test]
async fn a_sqlite_file_opens_with_wal_foreign_keys_and_a_busy_timeout() {
    let dir = std::env::temp_dir().join(format!("orm-conn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wal.db");
    let _ = std::fs::remove_file(&path);
    let db = Db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let mode = db.fetch_raw("PRAGMA journal_mode", vec![]).await.unwrap();
    assert_eq!(mode[0].try_get::<String>(0).unwrap().to_lowercase(), "wal");
    let fk = db.fetch_raw("PRAGMA foreign_keys", vec![]).await.unwrap();
    assert_eq!(fk[0].try_get::<i64>(0).unwrap(), 1);
    let timeout = db.fetch_raw("PRAGMA busy_timeout", vec![]).await.unwrap();
    assert!(timeout[0].try_get::<i64>(0).unwrap() > 0);
    orm::schema::create_table::<Note>(&db).await.unwrap();
    Note {
        id: 0,
        text: "on disk".into(),
    }
    .insert(&db)
    .await
    .unwrap();
    db.close().await;
    let reopened = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(Note::get(&reopened, 1).await.unwrap().text, "on disk");
    reopened.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_missing_sqlite_file_without_rwc_is_an_error() {
    let path = std::env::temp_dir().join(format!("orm-missing-{}.db", std::process::id()));
    let err = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { .. } | Error::Database { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn pool_options_come_from_the_url_or_the_builder() {
    let db = Db::connect("sqlite::memory:?max_connections=1&acquire_timeout=1")
        .await
        .unwrap();
    // With one connection held by a transaction, another acquire times out as a Pool error.
    let tx = db.begin().await.unwrap();
    let err = Note::query().count(&db).await.unwrap_err();
    assert!(matches!(err, Error::Pool { .. }), "{err:?}");
    drop(tx);
    let db = Db::builder("sqlite::memory:")
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(200))
        .connect()
        .await
        .unwrap();
    let _tx = db.begin().await.unwrap();
    let err = Note::query().count(&db).await.unwrap_err();
    assert!(matches!(err, Error::Pool { .. }), "{err:?}");
}

#[tokio::test]
async fn every_configured_server_is_reachable() {
    for t in tests::backends("conn_reachable").await {
        let expected = match t.name {
            "sqlite" => Dialect::Sqlite,
            "postgres" => Dialect::Postgres,
            _ => Dialect::Mysql,
        };
        assert_eq!(t.db.dialect(), expected);
        let rows = t.db.fetch_raw("SELECT 1", vec![]).await.unwrap();
        assert_eq!(
            rows[0]
                .try_get::<i64>(0)
                .unwrap_or_else(|_| i64::from(rows[0].try_get::<i32>(0).unwrap())),
            1
        );
    }
}

/// A statement on a `Db` keeps its connection checked out for the next one (sqlx would ping
/// it on every return to the pool); with a single connection, streams, transactions and
/// statements must still take turns without waiting for each other.
#[tokio::test]
async fn one_connection_serves_statements_streams_and_transactions_in_turn() {
    use futures_util::TryStreamExt;
    for (t, url) in tests::backend_urls("conn_one_connection").await {
        let db = tests::one_connection(&url).await;
        let turns = async {
            orm::schema::create_table::<Note>(&db).await?;
            let mut first = Note {
                id: 0,
                text: "statement".into(),
            };
            first.insert(&db).await?;
            let streamed: Vec<Note> = Note::query().stream(&db).try_collect().await?;
            assert_eq!(streamed, vec![first.clone()], "{}", t.name);
            let mut tx = db.begin().await?;
            let mut second = Note {
                id: 0,
                text: "transaction".into(),
            };
            second.insert(&mut tx).await?;
            tx.commit().await?;
            assert_eq!(Note::query().count(&db).await?, 2, "{}", t.name);
            let streamed: Vec<Note> = Note::query()
                .order_by(|n| n.id)
                .stream(&db)
                .try_collect()
                .await?;
            assert_eq!(streamed, vec![first, second], "{}", t.name);
            db.close().await;
            orm::Result::Ok(())
        };
        let stalled = format!("{}: a turn waited for a connection", t.name);
        tests::finish_within(Duration::from_secs(20), &stalled, turns).await;
    }
}

/// A result larger than the rows a SQLite worker thread may queue ahead (1,024 with the ORM's
/// settings) arrives whole and in order, read at once or streamed; a stream dropped with rows
/// still queued leaves its one connection serving the next statements. Checked on every
/// backend, with three times that many rows.
#[tokio::test]
async fn results_beyond_the_row_buffer_arrive_whole_and_a_dropped_stream_frees_the_connection() {
    use futures_util::{StreamExt, TryStreamExt};
    const ROWS: usize = 3_072;
    for (t, url) in tests::backend_urls("conn_row_buffer").await {
        let db = tests::one_connection(&url).await;
        let check = async {
            orm::schema::create_table::<Note>(&db).await?;
            let notes = (0..ROWS)
                .map(|i| Note {
                    id: 0,
                    text: format!("note {i:05}"),
                })
                .collect();
            Note::bulk_create(&db, notes).await?;
            let all = Note::query().order_by(|n| n.text).all(&db).await?;
            let texts: Vec<String> = all.into_iter().map(|n| n.text).collect();
            let expected: Vec<String> = (0..ROWS).map(|i| format!("note {i:05}")).collect();
            assert_eq!(texts, expected, "{}: all", t.name);
            let streamed: Vec<Note> = Note::query()
                .order_by(|n| n.text)
                .stream(&db)
                .try_collect()
                .await?;
            assert_eq!(streamed.len(), ROWS, "{}: stream", t.name);
            assert_eq!(streamed[ROWS - 1].text, expected[ROWS - 1], "{}", t.name);
            {
                let mut half = Note::query().order_by(|n| n.text).stream(&db);
                let first = half.next().await.transpose()?;
                assert_eq!(
                    first.map(|n| n.text),
                    Some(expected[0].clone()),
                    "{}",
                    t.name
                );
            }
            assert_eq!(Note::query().count(&db).await?, ROWS as i64, "{}", t.name);
            db.close().await;
            orm::Result::Ok(())
        };
        let stalled = format!("{}: a statement waited for the connection", t.name);
        tests::finish_within(Duration::from_secs(60), &stalled, check).await;
    }
}

/// A transaction that ends puts its connection back among those the `Db` keeps, instead of
/// handing it to sqlx, which would ping it first: a round trip per transaction. Only MySQL
/// counts pings where a session can read them (`Com_admin_commands`), so the count is checked
/// there; on every backend, a connection whose transaction committed, rolled back or was dropped
/// serves the next statements outside any transaction.
#[tokio::test]
async fn a_finished_transaction_keeps_its_connection_without_a_ping() {
    for (t, url) in tests::backend_urls("conn_tx_no_ping").await {
        let db = tests::one_connection(&url).await;
        orm::schema::create_table::<Note>(&db).await.unwrap();
        let pings = || async {
            let rows = db
                .fetch_raw("SHOW SESSION STATUS LIKE 'Com_admin_commands'", vec![])
                .await
                .unwrap();
            rows[0].try_get::<String>(1).unwrap()
        };
        let before = if t.name == "mysql" {
            Some(pings().await)
        } else {
            None
        };
        for end in ["commit", "rollback", "drop"] {
            let mut tx = db.begin().await.unwrap();
            let mut note = Note {
                id: 0,
                text: end.into(),
            };
            note.insert(&mut tx).await.unwrap();
            match end {
                "commit" => tx.commit().await.unwrap(),
                "rollback" => tx.rollback().await.unwrap(),
                _ => drop(tx),
            }
        }
        if let Some(before) = before {
            // The dropped transaction's ROLLBACK is run by sqlx's check of the connection,
            // one ping; commit and rollback add none.
            let after = pings().await;
            let pinged = after.parse::<i64>().unwrap() - before.parse::<i64>().unwrap();
            assert_eq!(pinged, 1, "{}: pings in three transactions", t.name);
        }
        // Outside a transaction: a second connection sees this one's writes at once.
        let mut outside = Note {
            id: 0,
            text: "outside".into(),
        };
        outside.insert(&db).await.unwrap();
        let other = Db::connect(&url).await.unwrap();
        let texts: Vec<String> = Note::query()
            .order_by(|n| n.id)
            .values(|n| n.text)
            .all(&other)
            .await
            .unwrap();
        assert_eq!(texts, vec!["commit", "outside"], "{}", t.name);
        other.close().await;
        db.close().await;
    }
}

/// A statement cancelled mid-flight does not leave its connection for the next statement in
/// an unknown state.
#[tokio::test]
async fn a_cancelled_statement_leaves_the_pool_usable() {
    for (t, url) in tests::backend_urls("conn_cancelled").await {
        let db = Db::builder(&url)
            .max_connections(1)
            .connect()
            .await
            .unwrap();
        let slow = match t.name {
            "postgres" => "SELECT 1 FROM pg_sleep(1)",
            "mysql" => "SELECT SLEEP(1)",
            _ => {
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20000000) \
                 SELECT count(*) FROM r"
            }
        };
        let cancelled =
            tokio::time::timeout(Duration::from_millis(50), db.fetch_raw(slow, vec![])).await;
        assert!(
            cancelled.is_err(),
            "{}: the slow statement finished",
            t.name
        );
        let sum = if t.name == "postgres" {
            "SELECT CAST(41 + 1 AS BIGINT)"
        } else {
            "SELECT 41 + 1"
        };
        let rows = db.fetch_raw(sum, vec![]).await.unwrap();
        assert_eq!(rows[0].try_get::<i64>(0).unwrap(), 42, "{}", t.name);
    }
}

/// The connections a `Db` keeps checked out are closed quietly when the last handle is dropped
/// after its runtime is gone.
#[test]
fn dropping_a_db_after_its_runtime_is_gone_does_not_panic() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dbs = runtime.block_on(async {
        let mut dbs = Vec::new();
        for (t, _) in tests::backend_urls("conn_drop_late").await {
            let rows = t.db.fetch_raw("SELECT 1", vec![]).await.unwrap();
            assert_eq!(rows.len(), 1, "{}", t.name);
            dbs.push(t.db);
        }
        dbs
    });
    drop(runtime);
    drop(dbs);
}

/// Every PostgreSQL and MySQL connection the ORM opens has Nagle's algorithm off: sqlx 0.9.0
/// leaves it on, which holds COPY's closing message for the server's delayed ACK (~40 ms).
/// The test finds the connection's socket by the client port the server reports and asks the
/// kernel for its `TCP_NODELAY`.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn server_connections_have_nagle_off() {
    use std::mem::ManuallyDrop;
    use std::os::fd::FromRawFd;

    for (t, url) in tests::backend_urls("conn_nodelay").await {
        if t.name == "sqlite" {
            continue;
        }
        let db = tests::one_connection(&url).await;
        let sql = match t.name {
            "postgres" => "SELECT inet_client_port()::int8, inet_server_port()::int8",
            _ => {
                "SELECT CAST(SUBSTRING_INDEX(HOST, ':', -1) AS SIGNED), CAST(@@port AS SIGNED) \
                 FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()"
            }
        };
        let rows = db.fetch_raw(sql, vec![]).await.unwrap();
        let client = rows[0].try_get::<i64>(0).unwrap();
        let server = rows[0].try_get::<i64>(1).unwrap();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
            let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            // SAFETY: never dropped, so never closed; only read.
            let stream = ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
            let ports = (stream.local_addr(), stream.peer_addr());
            if let (Ok(local), Ok(peer)) = ports
                && i64::from(local.port()) == client
                && i64::from(peer.port()) == server
            {
                found.push(stream.nodelay().unwrap());
            }
        }
        assert_eq!(
            found,
            vec![true],
            "{}: TCP_NODELAY of the connection",
            t.name
        );
        db.close().await;
    }
}
