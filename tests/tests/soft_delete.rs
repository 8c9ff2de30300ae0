//! Soft deletes: the default scope on every read and write path, restore / force_delete, and
//! unique columns that are unique among live rows only — on every backend.

use chrono::{DateTime, Utc};
use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_posts", soft_delete)]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    slug: String,
    author_id: i64,
    views: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_notes", soft_delete = "removed_at")]
struct Note {
    #[orm(primary_key)]
    id: i64,
    text: String,
    removed_at: Option<DateTime<Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_authors")]
struct Author {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

fn post(slug: &str, author_id: i64, views: i64) -> Post {
    Post {
        id: 0,
        slug: slug.into(),
        author_id,
        views,
        deleted_at: None,
    }
}

async fn seed(db: &Db) -> Vec<Post> {
    orm::schema::create_table::<Post>(db).await.unwrap();
    let rows = vec![
        post("a", 1, 10),
        post("b", 1, 20),
        post("c", 2, 30),
        post("d", 2, 40),
    ];
    let mut posts = Post::bulk_create(db, rows).await.unwrap();
    // b and d are soft-deleted.
    posts[1].delete(db).await.unwrap();
    posts[3].delete(db).await.unwrap();
    posts
}

async fn slugs(db: &Db, q: QuerySet<Post>) -> Vec<String> {
    q.order_by(|p| p.slug)
        .values(|p| p.slug)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn instance_delete_sets_the_time_and_hides_the_row_from_get_and_find() {
    for t in tests::backends("sd_instance").await {
        let posts = seed(&t.db).await;
        let n = t.name;
        assert!(posts[1].is_deleted(), "{n}");
        assert!(posts[1].deleted_at.is_some(), "{n}");
        assert!(!posts[0].is_deleted(), "{n}");
        assert!(
            Post::find(&t.db, posts[1].id).await.unwrap().is_none(),
            "{n}"
        );
        assert!(
            matches!(
                Post::get(&t.db, posts[1].id).await,
                Err(Error::NotFound { .. })
            ),
            "{n}"
        );
        let stored = Post::query()
            .with_deleted()
            .filter(|p| p.slug.eq("b"))
            .one(&t.db)
            .await
            .unwrap();
        assert_eq!(
            stored.deleted_at, posts[1].deleted_at,
            "{n}: the struct holds the stored time"
        );
        // Deleting an already deleted row changes nothing.
        let mut again = posts[1].clone();
        assert!(!again.delete(&t.db).await.unwrap(), "{n}");
    }
}

#[tokio::test]
async fn the_default_scope_applies_to_every_read_path() {
    for t in tests::backends("sd_reads").await {
        seed(&t.db).await;
        let db = &t.db;
        let n = t.name;
        assert_eq!(slugs(db, Post::query()).await, vec!["a", "c"], "{n}");
        assert_eq!(
            slugs(db, Post::query().with_deleted()).await,
            vec!["a", "b", "c", "d"],
            "{n}"
        );
        assert_eq!(
            slugs(db, Post::query().only_deleted()).await,
            vec!["b", "d"],
            "{n}"
        );
        assert_eq!(Post::query().count(db).await.unwrap(), 2, "{n}");
        assert_eq!(
            Post::query().with_deleted().count(db).await.unwrap(),
            4,
            "{n}"
        );
        assert!(
            !Post::query()
                .filter(|p| p.slug.eq("b"))
                .exists(db)
                .await
                .unwrap(),
            "{n}"
        );
        assert_eq!(
            Post::query().first(db).await.unwrap().map(|p| p.slug),
            Some("a".into()),
            "{n}"
        );
        assert!(
            Post::query()
                .filter(|p| p.author_id.eq(1))
                .one(db)
                .await
                .is_ok(),
            "{n}"
        );
        let streamed: Vec<Post> = futures_util::TryStreamExt::try_collect(Post::query().stream(db))
            .await
            .unwrap();
        assert_eq!(streamed.len(), 2, "{n}");
        let (live, total): (i64, Option<i64>) = Post::query()
            .aggregate(db, |p| (count(), sum(p.views)))
            .await
            .unwrap();
        assert_eq!((live, total), (2, Some(40)), "{n}");
        let per_author: Vec<(i64, i64)> = Post::query()
            .group_by(|p| p.author_id)
            .annotate(|p| (p.author_id, count()))
            .order_by(|p| p.author_id)
            .all(db)
            .await
            .unwrap();
        assert_eq!(per_author, vec![(1, 1), (2, 1)], "{n}");
    }
}

#[tokio::test]
async fn subqueries_see_only_live_rows() {
    for t in tests::backends("sd_subquery").await {
        seed(&t.db).await;
        orm::schema::create_table::<Author>(&t.db).await.unwrap();
        Author::bulk_create(
            &t.db,
            vec![
                Author {
                    id: 1,
                    name: "x".into(),
                },
                Author {
                    id: 2,
                    name: "y".into(),
                },
            ],
        )
        .await
        .unwrap();
        let authors_with_big_posts = Post::query()
            .filter(|p| p.views.ge(20))
            .values(|p| p.author_id);
        let names: Vec<String> = Author::query()
            .filter(|a| a.id.is_in(authors_with_big_posts))
            .values(|a| a.name)
            .all(&t.db)
            .await
            .unwrap();
        // b (author 1, 20 views) is deleted: only author 2's live post c qualifies.
        assert_eq!(names, vec!["y"], "{}", t.name);
    }
}

#[tokio::test]
async fn query_update_touches_only_live_rows() {
    for t in tests::backends("sd_update").await {
        seed(&t.db).await;
        let changed = Post::query()
            .update(&t.db, |p| p.views.set(p.views + 1))
            .await
            .unwrap();
        assert_eq!(changed, 2, "{}", t.name);
        let views: Vec<i64> = Post::query()
            .with_deleted()
            .order_by(|p| p.slug)
            .values(|p| p.views)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(views, vec![11, 20, 31, 40], "{}", t.name);
    }
}

#[tokio::test]
async fn bulk_update_skips_deleted_rows() {
    for t in tests::backends("sd_bulk_update").await {
        let mut posts = seed(&t.db).await;
        for p in &mut posts {
            p.views = 99;
        }
        let changed = Post::bulk_update(&t.db, &posts, |p| p.views).await.unwrap();
        assert_eq!(changed, 2, "{}", t.name);
        let views: Vec<i64> = Post::query()
            .with_deleted()
            .order_by(|p| p.slug)
            .values(|p| p.views)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(views, vec![99, 20, 99, 40], "{}", t.name);
    }
}

#[tokio::test]
async fn query_delete_restore_and_force_delete() {
    for t in tests::backends("sd_query_level").await {
        seed(&t.db).await;
        let db = &t.db;
        let n = t.name;
        assert_eq!(
            Post::query()
                .filter(|p| p.author_id.eq(1))
                .delete(db)
                .await
                .unwrap(),
            1,
            "{n}"
        );
        assert_eq!(slugs(db, Post::query()).await, vec!["c"], "{n}");
        assert_eq!(
            Post::query()
                .filter(|p| p.slug.ne("d"))
                .restore(db)
                .await
                .unwrap(),
            2,
            "{n}"
        );
        assert_eq!(slugs(db, Post::query()).await, vec!["a", "b", "c"], "{n}");
        assert_eq!(
            Post::query().only_deleted().force_delete(db).await.unwrap(),
            1,
            "{n}"
        );
        assert_eq!(
            Post::query().with_deleted().count(db).await.unwrap(),
            3,
            "{n}"
        );
        let removed = Post::bulk_delete(db, vec![1, 2]).await.unwrap();
        assert_eq!(removed, 2, "{n}: bulk_delete soft-deletes");
        assert_eq!(
            Post::query().only_deleted().count(db).await.unwrap(),
            2,
            "{n}"
        );
    }
}

#[tokio::test]
async fn restore_and_force_delete_on_an_instance() {
    for t in tests::backends("sd_restore").await {
        let mut posts = seed(&t.db).await;
        let n = t.name;
        assert!(posts[1].restore(&t.db).await.unwrap(), "{n}");
        assert!(!posts[1].is_deleted(), "{n}");
        assert_eq!(
            Post::get(&t.db, posts[1].id).await.unwrap(),
            posts[1],
            "{n}"
        );
        assert!(
            !posts[1].restore(&t.db).await.unwrap(),
            "{n}: a live row is not restored"
        );
        assert!(posts[0].force_delete(&t.db).await.unwrap(), "{n}");
        assert_eq!(
            Post::query()
                .with_deleted()
                .filter(|p| p.slug.eq("a"))
                .count(&t.db)
                .await
                .unwrap(),
            0,
            "{n}"
        );
    }
}

#[tokio::test]
async fn unique_columns_are_unique_among_live_rows_only() {
    for t in tests::backends("sd_unique").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let n = t.name;
        let mut first = post("same", 1, 1);
        first.insert(&t.db).await.unwrap();
        let dup = post("same", 1, 2).clone().insert(&t.db).await.unwrap_err();
        assert_eq!(
            dup.kind(),
            Some(ErrorKind::UniqueViolation),
            "{n}: two live rows"
        );
        first.delete(&t.db).await.unwrap();
        let mut second = post("same", 1, 3);
        second
            .insert(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{n}: re-create after delete: {e}"));
        second.delete(&t.db).await.unwrap();
        let mut third = post("same", 1, 4);
        third.insert(&t.db).await.unwrap();
        assert_eq!(
            Post::query()
                .with_deleted()
                .filter(|p| p.slug.eq("same"))
                .count(&t.db)
                .await
                .unwrap(),
            3,
            "{n}"
        );
        // Restoring a row whose slug is taken by a live row is refused by the index.
        let err = first.restore(&t.db).await.unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::UniqueViolation), "{n}");
    }
}

#[tokio::test]
async fn upsert_updates_live_rows_and_ignores_deleted_ones() {
    for t in tests::backends("sd_upsert").await {
        seed(&t.db).await;
        let rows = vec![post("a", 1, 500), post("b", 1, 600)];
        Post::upsert(rows)
            .on_conflict(|p| p.slug)
            .update(|p| p.views)
            .execute(&t.db)
            .await
            .unwrap();
        let live: Vec<(String, i64)> = Post::query()
            .order_by(|p| p.slug)
            .values(|p| (p.slug, p.views))
            .all(&t.db)
            .await
            .unwrap();
        // a was live: updated. b was deleted: a new live b is inserted, the deleted one is untouched.
        assert_eq!(
            live,
            vec![("a".into(), 500), ("b".into(), 600), ("c".into(), 30)],
            "{}",
            t.name
        );
        let deleted_b: Vec<i64> = Post::query()
            .only_deleted()
            .filter(|p| p.slug.eq("b"))
            .values(|p| p.views)
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(deleted_b, vec![20], "{}", t.name);
    }
}

#[tokio::test]
async fn another_column_name_can_hold_the_deletion_time() {
    for t in tests::backends("sd_custom_column").await {
        orm::schema::create_table::<Note>(&t.db).await.unwrap();
        let mut note = Note {
            id: 0,
            text: "x".into(),
            removed_at: None,
        };
        note.insert(&t.db).await.unwrap();
        note.delete(&t.db).await.unwrap();
        assert!(note.removed_at.is_some(), "{}", t.name);
        assert_eq!(Note::query().count(&t.db).await.unwrap(), 0, "{}", t.name);
        assert_eq!(
            Note::query().only_deleted().count(&t.db).await.unwrap(),
            1,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn restore_on_a_model_without_soft_deletes_is_an_error() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    orm::schema::create_table::<Author>(&db).await.unwrap();
    let err = Author::query().restore(&db).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
}

#[tokio::test]
async fn upsert_on_the_primary_key_leaves_a_deleted_row_alone() {
    for t in tests::backends("sd_upsert_pk").await {
        let posts = seed(&t.db).await;
        // b (deleted) and c (live), sent again with their ids and new views.
        let again = vec![
            Post {
                views: 600,
                ..posts[1].clone()
            },
            Post {
                views: 700,
                ..posts[2].clone()
            },
        ];
        Post::upsert(again)
            .on_conflict(|p| p.id)
            .update(|p| p.views)
            .execute(&t.db)
            .await
            .unwrap();
        let views: Vec<(String, i64)> = Post::query()
            .with_deleted()
            .order_by(|p| p.slug)
            .values(|p| (p.slug, p.views))
            .all(&t.db)
            .await
            .unwrap();
        assert_eq!(
            views,
            vec![
                ("a".into(), 10),
                ("b".into(), 20),
                ("c".into(), 700),
                ("d".into(), 40)
            ],
            "{}: the deleted row keeps its values",
            t.name
        );
    }
}

/// `sd_shared` through a model with a soft-delete column…
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_shared", soft_delete = "removed_at")]
struct Scoped {
    #[orm(primary_key)]
    id: i64,
    text: String,
    removed_at: Option<DateTime<Utc>>,
}

/// …and through one without: the same columns, no default scope.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sd_shared")]
struct Unscoped {
    #[orm(primary_key)]
    id: i64,
    text: String,
    removed_at: Option<DateTime<Utc>>,
}

/// The ORM renders a `get`/`find` statement once per thread, table and dialect and reuses the
/// text; two models of one table, one soft-deleting and one not, must each keep their own
/// statement, however often and in whichever order they run.
#[tokio::test]
async fn get_and_find_keep_each_model_s_own_scope_when_repeated() {
    for t in tests::backends("sd_shared_get").await {
        let db = &t.db;
        orm::schema::create_table::<Scoped>(db).await.unwrap();
        let mut gone = Scoped {
            id: 0,
            text: "gone".into(),
            removed_at: None,
        };
        gone.insert(db).await.unwrap();
        let mut kept = Scoped {
            id: 0,
            text: "kept".into(),
            removed_at: None,
        };
        kept.insert(db).await.unwrap();
        gone.delete(db).await.unwrap();
        for round in 0..3 {
            let what = format!("{} round {round}", t.name);
            assert_eq!(Scoped::find(db, gone.id).await.unwrap(), None, "{what}");
            let raw = Unscoped::find(db, gone.id).await.unwrap();
            assert!(raw.is_some_and(|r| r.removed_at.is_some()), "{what}");
            assert_eq!(
                Scoped::get(db, kept.id).await.unwrap().text,
                "kept",
                "{what}"
            );
            assert_eq!(
                Unscoped::get(db, gone.id).await.unwrap().text,
                "gone",
                "{what}"
            );
            let err = Scoped::get(db, gone.id).await.unwrap_err();
            assert!(matches!(err, Error::NotFound { .. }), "{what}: {err:?}");
        }
    }
}
