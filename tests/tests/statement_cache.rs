//! A statement the ORM runs again is not prepared again on the same connection: the SQL text
//! of a query does not change with the values it binds, so the driver's cache of prepared
//! statements serves every later run (issue 6: no extra round trip per query).

use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cache_notes")]
struct Note {
    #[orm(primary_key)]
    id: i64,
    text: String,
}

/// How many statements the server has prepared for this session, where it says: PostgreSQL
/// lists them in `pg_prepared_statements`, MySQL counts them in `Com_stmt_prepare`. SQLite
/// keeps its cache inside the driver, out of the session's sight.
async fn prepared_so_far(db: &Db, backend: &str) -> Option<i64> {
    let (sql, column) = match backend {
        "postgres" => ("SELECT count(*) FROM pg_prepared_statements", 0),
        "mysql" => ("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'", 1),
        _ => return None,
    };
    let rows = db.fetch_raw(sql, vec![]).await.unwrap();
    Some(match backend {
        "postgres" => rows[0].try_get::<i64>(column).unwrap(),
        _ => rows[0].try_get::<String>(column).unwrap().parse().unwrap(),
    })
}

#[tokio::test]
async fn a_repeated_query_is_prepared_once_per_connection() {
    for (t, url) in tests::backend_urls("stmt_cache_repeat").await {
        let db = tests::one_connection(&url).await;
        orm::schema::create_table::<Note>(&db).await.unwrap();
        let notes: Vec<Note> = (1..=3)
            .map(|i| Note {
                id: 0,
                text: format!("note {i}"),
            })
            .collect();
        let notes = Note::bulk_create(&db, notes).await.unwrap();
        // Counting once first prepares the counting statement itself.
        prepared_so_far(&db, t.name).await;
        let before = prepared_so_far(&db, t.name).await;
        for note in &notes {
            let got = Note::get(&db, note.id).await.unwrap();
            assert_eq!(&got, note, "{}", t.name);
            let texts: Vec<String> = Note::query()
                .filter(|n| n.id.ge(note.id))
                .order_by(|n| n.id)
                .values(|n| n.text)
                .all(&db)
                .await
                .unwrap();
            assert_eq!(
                texts.len(),
                4 - note.text[5..].parse::<usize>().unwrap(),
                "{}",
                t.name
            );
        }
        let after = prepared_so_far(&db, t.name).await;
        if let (Some(before), Some(after)) = (before, after) {
            assert_eq!(
                after - before,
                2,
                "{}: statements prepared by 3 × (get, filtered values)",
                t.name
            );
        }
        db.close().await;
    }
}
