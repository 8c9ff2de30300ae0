//! A `bulk_create` that fits in one INSERT, and needs no statement before or after it, runs
//! that INSERT alone: one statement is atomic by itself, so BEGIN and COMMIT would only add
//! round trips. It still fills in ids, names a failing row and leaves nothing behind.

use orm::prelude::*;

/// A key the caller gives: nothing is generated, the INSERT is the whole job everywhere.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_one_tags")]
struct Tag {
    #[orm(primary_key)]
    code: String,
    label: String,
}

/// A generated key: read back by RETURNING on PostgreSQL and from `last_insert_rowid()` on
/// SQLite (the INSERT itself checks that the rowids are consecutive): one statement. MySQL
/// reports the first id, and the id step (`auto_increment_increment`) is read on the same
/// connection just before the INSERT: two statements, still no transaction.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_one_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    slug: String,
}

fn tags(codes: &[&str]) -> Vec<Tag> {
    codes
        .iter()
        .map(|c| Tag {
            code: (*c).into(),
            label: format!("label {c}"),
        })
        .collect()
}

/// New posts (ids left to the database) with these slugs.
fn posts(slugs: &[&str]) -> Vec<Post> {
    slugs
        .iter()
        .map(|s| Post {
            id: 0,
            slug: (*s).into(),
        })
        .collect()
}

/// Transactions begun so far by this MySQL session (`Com_begin`); the other backends do not
/// count them where a session can read it.
async fn begun(db: &Db, backend: &str) -> Option<i64> {
    if backend != "mysql" {
        return None;
    }
    let rows = db
        .fetch_raw("SHOW SESSION STATUS LIKE 'Com_begin'", vec![])
        .await
        .unwrap();
    Some(rows[0].try_get::<String>(1).unwrap().parse().unwrap())
}

#[tokio::test]
async fn one_insert_runs_without_a_transaction_and_fills_in_ids() {
    for (t, url) in tests::backend_urls("bulk_one_statement").await {
        let db = tests::one_connection(&url).await;
        orm::schema::create_table::<Tag>(&db).await.unwrap();
        orm::schema::create_table::<Post>(&db).await.unwrap();

        let before = begun(&db, t.name).await;
        let made = Tag::bulk_create(&db, tags(&["a", "b", "c"])).await.unwrap();
        assert_eq!(made, tags(&["a", "b", "c"]), "{}", t.name);
        if let (Some(before), Some(after)) = (before, begun(&db, t.name).await) {
            assert_eq!(after - before, 0, "{}: BEGINs for one INSERT", t.name);
        }

        let before = begun(&db, t.name).await;
        let made = Post::bulk_create(&db, posts(&["x", "y", "z"]))
            .await
            .unwrap();
        if let (Some(before), Some(after)) = (before, begun(&db, t.name).await) {
            assert_eq!(after - before, 0, "{}: BEGINs for ids read alone", t.name);
        }
        let stored = Post::query().order_by(|p| p.id).all(&db).await.unwrap();
        assert_eq!(made, stored, "{}", t.name);
        assert!(
            made.windows(2).all(|w| w[0].id < w[1].id) && made[0].id > 0,
            "{}: ids {:?}",
            t.name,
            made.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        db.close().await;
    }
}

#[tokio::test]
async fn a_failing_single_insert_names_the_row_and_leaves_the_table_as_it_was() {
    for t in tests::backends("bulk_one_statement_fails").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        Tag::bulk_create(&t.db, tags(&["kept"])).await.unwrap();
        let err = Tag::bulk_create(&t.db, tags(&["new", "other", "kept"]))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Database {
                    kind: orm::ErrorKind::UniqueViolation,
                    ..
                }
            ),
            "{}: {err}",
            t.name
        );
        assert_eq!(err.row(), Some(2), "{}: {err}", t.name);
        let codes: Vec<String> = Tag::query()
            .order_by(|g| g.code)
            .values(|g| g.code)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(codes, vec!["kept"], "{}", t.name);
    }
}

#[tokio::test]
async fn mysql_reads_the_id_step_of_the_inserting_session() {
    // Galera and multi-primary setups run with auto_increment_increment > 1, and a session may
    // set its own: the step is read on the connection the INSERT runs on.
    for (t, url) in tests::backend_urls("bulk_one_statement_step").await {
        if t.db.dialect() != Dialect::Mysql {
            continue;
        }
        let db = tests::one_connection(&url).await;
        orm::schema::create_table::<Post>(&db).await.unwrap();
        db.execute_raw("SET SESSION auto_increment_increment = 3", vec![])
            .await
            .unwrap();
        let before = begun(&db, t.name).await;
        let made = Post::bulk_create(&db, posts(&["p", "q", "r"]))
            .await
            .unwrap();
        assert_eq!(begun(&db, t.name).await, before, "mysql: no BEGIN");
        let stored = Post::query().order_by(|p| p.id).all(&db).await.unwrap();
        assert_eq!(made, stored, "mysql");
        assert!(
            made.windows(2).all(|w| w[1].id - w[0].id == 3),
            "mysql: ids {:?}",
            made.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        db.execute_raw("SET SESSION auto_increment_increment = 1", vec![])
            .await
            .unwrap();
        db.close().await;
    }
}
