//! bulk_create, bulk_update, bulk_delete and upsert: chunking at the bind limit, atomicity,
//! per-row values, on every backend.

use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_tags")]
struct Tag {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    slug: String,
    title: String,
    views: i64,
    rating: Option<f64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_links")]
struct Link {
    #[orm(primary_key)]
    from_id: i64,
    #[orm(primary_key)]
    to_id: i64,
    weight: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_jobs")]
struct Job {
    #[orm(primary_key)]
    id: i64,
    name: String,
    #[orm(default = "'queued'")]
    state: Option<String>,
}

fn tags(n: usize, prefix: &str) -> Vec<Tag> {
    (0..n)
        .map(|i| Tag {
            id: 0,
            name: format!("{prefix}{i}"),
        })
        .collect()
}

/// Row counts that put one statement exactly at the bind limit, and one row past it.
fn limits(db: &Db) -> [usize; 2] {
    let limit = db.dialect().bind_limit();
    [limit, limit + 1]
}

#[tokio::test]
async fn bulk_create_fills_ids_at_and_past_the_bind_limit() {
    for t in tests::backends("bulk_limits").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        let mut expected_total = 0;
        for (round, n) in limits(&t.db).into_iter().enumerate() {
            // One bound value per row (the id is generated): n rows = n parameters.
            let created = Tag::bulk_create(&t.db, tags(n, &format!("r{round}-")))
                .await
                .unwrap();
            assert_eq!(created.len(), n, "{}", t.name);
            let first = created[0].id;
            assert!(
                created
                    .iter()
                    .enumerate()
                    .all(|(i, tag)| tag.id == first + i as i64),
                "{}: ids not filled in order",
                t.name
            );
            expected_total += n as i64;
            assert_eq!(
                Tag::query().count(&t.db).await.unwrap(),
                expected_total,
                "{}",
                t.name
            );
            let last = created.last().unwrap();
            assert_eq!(Tag::get(&t.db, last.id).await.unwrap(), *last, "{}", t.name);
        }
    }
}

#[tokio::test]
async fn bulk_create_with_two_columns_per_row_chunks_by_parameters() {
    for t in tests::backends("bulk_two_columns").await {
        orm::schema::create_table::<Link>(&t.db).await.unwrap();
        // Three values per row: a row count whose parameters pass the limit by one.
        let n = t.db.dialect().bind_limit() / 3 + 1;
        let links: Vec<Link> = (0..n as i64)
            .map(|i| Link {
                from_id: i % 7,
                to_id: i,
                weight: (i % 100) as i32,
            })
            .collect();
        let created = Link::bulk_create(&t.db, links.clone()).await.unwrap();
        assert_eq!(created, links, "{}", t.name);
        assert_eq!(
            Link::query().count(&t.db).await.unwrap(),
            n as i64,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_duplicate_in_the_last_chunk_leaves_the_table_as_it_was() {
    for t in tests::backends("bulk_atomic").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        Tag::bulk_create(&t.db, tags(3, "existing-")).await.unwrap();
        let n = t.db.dialect().bind_limit() + 10;
        let mut rows = tags(n, "new-");
        rows.last_mut().unwrap().name = "new-0".into();
        let err = Tag::bulk_create(&t.db, rows).await.unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::UniqueViolation),
            "{}: {err}",
            t.name
        );
        assert_eq!(err.row(), Some(n - 1), "{}: {err}", t.name);
        let names: Vec<String> = Tag::query()
            .order_by(|t| t.id)
            .values(|t| t.name)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(
            names,
            vec!["existing-0", "existing-1", "existing-2"],
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn bulk_create_inside_a_transaction_is_undone_with_it() {
    for t in tests::backends("bulk_in_tx").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let created = Tag::bulk_create(&mut tx, tags(10, "t")).await.unwrap();
        assert_eq!(created.len(), 10, "{}", t.name);
        assert_eq!(Tag::query().count(&mut tx).await.unwrap(), 10, "{}", t.name);
        tx.rollback().await.unwrap();
        assert_eq!(Tag::query().count(&t.db).await.unwrap(), 0, "{}", t.name);
    }
}

#[tokio::test]
async fn bulk_create_mixes_generated_and_given_values() {
    for t in tests::backends("bulk_mixed").await {
        orm::schema::create_table::<Job>(&t.db).await.unwrap();
        let jobs = vec![
            Job {
                id: 0,
                name: "a".into(),
                state: None,
            },
            Job {
                id: 0,
                name: "b".into(),
                state: Some("running".into()),
            },
            Job {
                id: 100,
                name: "c".into(),
                state: None,
            },
            Job {
                id: 0,
                name: "d".into(),
                state: None,
            },
        ];
        let created = Job::bulk_create(&t.db, jobs).await.unwrap();
        let got: Vec<(String, Option<String>)> = created
            .iter()
            .map(|j| (j.name.clone(), j.state.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a".to_string(), Some("queued".to_string())),
                ("b".to_string(), Some("running".to_string())),
                ("c".to_string(), Some("queued".to_string())),
                ("d".to_string(), Some("queued".to_string())),
            ],
            "{}",
            t.name
        );
        assert_eq!(created[2].id, 100, "{}", t.name);
        for job in &created {
            assert_eq!(Job::get(&t.db, job.id).await.unwrap(), *job, "{}", t.name);
        }
    }
}

#[tokio::test]
async fn bulk_update_writes_per_row_values_to_exactly_the_listed_rows_and_fields() {
    for t in tests::backends("bulk_update").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let rows: Vec<Post> = (0..12_000)
            .map(|i| Post {
                id: 0,
                slug: format!("s{i}"),
                title: format!("t{i}"),
                views: i,
                rating: None,
            })
            .collect();
        let mut posts = Post::bulk_create(&t.db, rows).await.unwrap();
        // Change 10,000 rows, each to its own values; the last 2,000 stay as they were.
        for p in posts.iter_mut().take(10_000) {
            p.title = format!("new {}", p.id);
            p.views = p.id * 3;
            p.rating = Some(p.id as f64 / 2.0);
            p.slug = "must not be written".into();
        }
        let changed = Post::bulk_update(&t.db, &posts[..10_000], |p| (p.title, p.views, p.rating))
            .await
            .unwrap();
        assert_eq!(changed, 10_000, "{}", t.name);
        let stored = Post::query().order_by(|p| p.id).all(&t.db).await.unwrap();
        for (i, (s, p)) in stored.iter().zip(&posts).enumerate() {
            if i < 10_000 {
                assert_eq!(
                    (&s.title, s.views, s.rating),
                    (&p.title, p.views, p.rating),
                    "{}: row {i}",
                    t.name
                );
                assert_eq!(s.slug, format!("s{i}"), "{}: slug was not listed", t.name);
            } else {
                assert_eq!(s, p, "{}: row {i} was not listed", t.name);
            }
        }
    }
}

#[tokio::test]
async fn bulk_update_on_a_composite_key() {
    for t in tests::backends("bulk_update_composite").await {
        orm::schema::create_table::<Link>(&t.db).await.unwrap();
        let links: Vec<Link> = (0..50)
            .map(|i| Link {
                from_id: i % 5,
                to_id: i,
                weight: 0,
            })
            .collect();
        let mut links = Link::bulk_create(&t.db, links).await.unwrap();
        for l in &mut links {
            l.weight = (l.from_id * 100 + l.to_id) as i32;
        }
        assert_eq!(
            Link::bulk_update(&t.db, &links, |l| l.weight)
                .await
                .unwrap(),
            50,
            "{}",
            t.name
        );
        let stored = Link::query()
            .order_by(|l| l.to_id)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(stored, links, "{}", t.name);
    }
}

#[tokio::test]
async fn bulk_update_rejects_key_columns() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    orm::schema::create_table::<Tag>(&db).await.unwrap();
    let tags = Tag::bulk_create(&db, tags(2, "x")).await.unwrap();
    let err = Tag::bulk_update(&db, &tags, |t| t.id).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
}

#[tokio::test]
async fn bulk_delete_chunks_its_key_list() {
    for t in tests::backends("bulk_delete").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        let n = t.db.dialect().bind_limit() + 5;
        let created = Tag::bulk_create(&t.db, tags(n, "d")).await.unwrap();
        let doomed: Vec<i64> = created.iter().skip(3).map(|t| t.id).collect();
        let deleted = Tag::bulk_delete(&t.db, doomed).await.unwrap();
        assert_eq!(deleted, (n - 3) as u64, "{}", t.name);
        let left: Vec<String> = Tag::query()
            .order_by(|t| t.id)
            .values(|t| t.name)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(left, vec!["d0", "d1", "d2"], "{}", t.name);
        assert_eq!(
            Tag::bulk_delete(&t.db, Vec::new()).await.unwrap(),
            0,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn bulk_delete_with_composite_keys() {
    for t in tests::backends("bulk_delete_composite").await {
        orm::schema::create_table::<Link>(&t.db).await.unwrap();
        let links: Vec<Link> = (0..20)
            .map(|i| Link {
                from_id: i % 2,
                to_id: i,
                weight: 1,
            })
            .collect();
        Link::bulk_create(&t.db, links).await.unwrap();
        let deleted = Link::bulk_delete(&t.db, vec![(0, 0), (1, 1), (0, 1), (1, 19)])
            .await
            .unwrap();
        assert_eq!(deleted, 3, "{}", t.name);
        assert_eq!(Link::query().count(&t.db).await.unwrap(), 17, "{}", t.name);
    }
}

#[tokio::test]
async fn upsert_updates_listed_columns_or_does_nothing() {
    for t in tests::backends("bulk_upsert").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let first: Vec<Post> = (0..5)
            .map(|i| Post {
                id: 0,
                slug: format!("s{i}"),
                title: format!("old {i}"),
                views: i,
                rating: None,
            })
            .collect();
        Post::bulk_create(&t.db, first).await.unwrap();
        let second: Vec<Post> = (3..8)
            .map(|i| Post {
                id: 0,
                slug: format!("s{i}"),
                title: format!("new {i}"),
                views: 100 + i,
                rating: Some(1.0),
            })
            .collect();
        Post::upsert(second.clone())
            .on_conflict(|p| p.slug)
            .update(|p| p.title)
            .execute(&t.db)
            .await
            .unwrap();
        let stored: Vec<(String, String, i64)> = Post::query()
            .order_by(|p| p.slug)
            .values(|p| (p.slug, p.title, p.views))
            .all(&t.db)
            .await
            .unwrap();
        let expected: Vec<(String, String, i64)> = (0..8)
            .map(|i| {
                let title = if i < 3 {
                    format!("old {i}")
                } else {
                    format!("new {i}")
                };
                let views = if i < 5 { i } else { 100 + i };
                (format!("s{i}"), title, views)
            })
            .collect();
        assert_eq!(stored, expected, "{}", t.name);

        let third: Vec<Post> = (6..10)
            .map(|i| Post {
                id: 0,
                slug: format!("s{i}"),
                title: "ignored".into(),
                views: -1,
                rating: None,
            })
            .collect();
        Post::upsert(third)
            .on_conflict(|p| p.slug)
            .do_nothing()
            .execute(&t.db)
            .await
            .unwrap();
        assert_eq!(Post::query().count(&t.db).await.unwrap(), 10, "{}", t.name);
        assert_eq!(
            Post::query()
                .filter(|p| p.title.eq("ignored"))
                .count(&t.db)
                .await
                .unwrap(),
            2,
            "{}",
            t.name
        );
        assert_eq!(
            Post::query()
                .filter(|p| p.slug.eq("s7"))
                .one(&t.db)
                .await
                .unwrap()
                .title,
            "new 7",
            "{}",
            t.name
        );

        // Without `update`, every non-key column is overwritten.
        let fourth = vec![Post {
            id: 0,
            slug: "s0".into(),
            title: "all".into(),
            views: 7,
            rating: Some(2.5),
        }];
        Post::upsert(fourth)
            .on_conflict(|p| p.slug)
            .execute(&t.db)
            .await
            .unwrap();
        let s0 = Post::query()
            .filter(|p| p.slug.eq("s0"))
            .one(&t.db)
            .await
            .unwrap();
        assert_eq!(
            (s0.title.as_str(), s0.views, s0.rating),
            ("all", 7, Some(2.5)),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn upsert_past_the_bind_limit_is_chunked_and_atomic() {
    for t in tests::backends("bulk_upsert_chunks").await {
        orm::schema::create_table::<Tag>(&t.db).await.unwrap();
        let n = t.db.dialect().bind_limit() + 3;
        Tag::upsert(tags(n, "u"))
            .on_conflict(|t| t.name)
            .do_nothing()
            .execute(&t.db)
            .await
            .unwrap();
        assert_eq!(
            Tag::query().count(&t.db).await.unwrap(),
            n as i64,
            "{}",
            t.name
        );
        Tag::upsert(tags(n, "u"))
            .on_conflict(|t| t.name)
            .do_nothing()
            .execute(&t.db)
            .await
            .unwrap();
        assert_eq!(
            Tag::query().count(&t.db).await.unwrap(),
            n as i64,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn upsert_without_a_conflict_target_is_an_error() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    orm::schema::create_table::<Tag>(&db).await.unwrap();
    let err = Tag::upsert(tags(1, "x")).execute(&db).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
}

/// SQLite numbers new rows from the largest rowid, and picks free rowids at random once that
/// is `i64::MAX` (a table without AUTOINCREMENT): the ids handed back must still be the stored
/// ones.
#[tokio::test]
async fn bulk_create_ids_match_the_stored_rows_when_sqlite_picks_rowids_at_random() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.execute_raw(
        "CREATE TABLE bulk_tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        vec![],
    )
    .await
    .unwrap();
    db.execute_raw(
        "INSERT INTO bulk_tags (id, name) VALUES (9223372036854775807, 'last')",
        vec![],
    )
    .await
    .unwrap();
    let created = Tag::bulk_create(&db, tags(50, "random-")).await.unwrap();
    for tag in &created {
        let stored = Tag::get(&db, tag.id).await.unwrap();
        assert_eq!(&stored, tag);
    }
    // The same inside the caller's transaction, and over several statements (the guarded
    // INSERT of each chunk holds its rows back, then they go again with RETURNING).
    let mut tx = db.begin().await.unwrap();
    let created = Tag::bulk_create(&mut tx, tags(40_000, "in-tx-"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(Tag::query().count(&db).await.unwrap(), 40_051);
    for tag in [
        &created[0],
        &created[32_764],
        &created[32_765],
        &created[39_999],
    ] {
        let stored = Tag::get(&db, tag.id).await.unwrap();
        assert_eq!(&stored, tag);
    }
    // Below the largest rowid, the ids are consecutive and read from last_insert_rowid().
    let db = Db::connect("sqlite::memory:").await.unwrap();
    orm::schema::create_table::<Tag>(&db).await.unwrap();
    let created = Tag::bulk_create(&db, tags(50, "consecutive-"))
        .await
        .unwrap();
    let stored: Vec<(i64, String)> = Tag::query()
        .order_by(|t| t.id)
        .values(|t| (t.id, t.name))
        .all(&db)
        .await
        .unwrap();
    let returned: Vec<(i64, String)> = created.into_iter().map(|t| (t.id, t.name)).collect();
    assert_eq!(stored, returned);
}
