//! A constraint error from a bulk operation names the input row it is about, on every backend
//! where the backend's error identifies it, and the table is left as it was.

use chrono::Utc;
use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_err_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    slug: String,
    title: String,
}

/// Creates `bulk_err_people` with a NOT NULL `name`.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_err_people")]
struct StrictPerson {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    code: String,
    name: String,
}

/// The same table, mapped with an optional `name`: a `None` reaches the NOT NULL column.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_err_people")]
struct Person {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    code: String,
    name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_err_pages", soft_delete)]
struct Page {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    slug: String,
    deleted_at: Option<chrono::DateTime<Utc>>,
}

/// A JSON document that may fail to serialize: JSON object keys must be strings.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_err_docs")]
struct Doc {
    #[orm(primary_key)]
    id: i64,
    title: String,
    #[orm(json)]
    body: std::collections::BTreeMap<(i32, i32), i32>,
}

fn posts(slugs: &[&str]) -> Vec<Post> {
    slugs
        .iter()
        .map(|s| Post {
            id: 0,
            slug: (*s).into(),
            title: format!("title of {s}"),
        })
        .collect()
}

fn person(code: &str, name: Option<&str>) -> Person {
    Person {
        id: 0,
        code: code.into(),
        name: name.map(Into::into),
    }
}

async fn slugs(db: &Db) -> Vec<String> {
    Post::query()
        .order_by(|p| p.id)
        .values(|p| p.slug)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_value_that_cannot_be_encoded_in_a_later_chunk_leaves_the_table_as_it_was() {
    for t in tests::backends("bulk_err_encode").await {
        orm::schema::create_table::<Doc>(&t.db).await.unwrap();
        // Two values a row: more than two statements' worth on every backend. The bad row is
        // in the last chunk, whose values are bound while the chunk before it runs.
        let n = t.db.dialect().bind_limit() + 10;
        let mut input: Vec<Doc> = (0..n)
            .map(|i| Doc {
                id: 0,
                title: format!("doc {i}"),
                body: Default::default(),
            })
            .collect();
        input[n - 2].body.insert((1, 2), 3);
        let err = Doc::bulk_create(&t.db, input.clone()).await.unwrap_err();
        assert!(matches!(err, Error::Encode { .. }), "{}: {err:?}", t.name);
        assert_eq!(Doc::query().count(&t.db).await.unwrap(), 0, "{}", t.name);
        // Inside the caller's transaction: undone alone; the transaction goes on.
        let mut tx = t.db.begin().await.unwrap();
        let err = Doc::bulk_create(&mut tx, input.clone()).await.unwrap_err();
        assert!(matches!(err, Error::Encode { .. }), "{}: {err:?}", t.name);
        input[n - 2].body.clear();
        let created = Doc::bulk_create(&mut tx, input).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            Doc::query().count(&t.db).await.unwrap(),
            n as i64,
            "{}",
            t.name
        );
        let ids: Vec<i64> = created.iter().map(|d| d.id).collect();
        let stored = Doc::query()
            .order_by(|d| d.id)
            .values(|d| d.id)
            .all(&t.db)
            .await;
        assert_eq!(stored.unwrap(), ids, "{}", t.name);
    }
}

#[tokio::test]
async fn a_key_repeated_in_the_input_names_its_second_row() {
    for t in tests::backends("bulk_err_repeat").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let input = posts(&["a", "b", "c", "d", "e", "f", "g", "c", "h"]);
        let err = Post::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::UniqueViolation),
            "{}: {err}",
            t.name
        );
        assert_eq!(err.row(), Some(7), "{}: {err}", t.name);
        assert!(err.to_string().contains("input row 7"), "{}: {err}", t.name);
        assert!(slugs(&t.db).await.is_empty(), "{}", t.name);
    }
}

#[tokio::test]
async fn a_key_already_stored_names_the_first_row_carrying_it() {
    for t in tests::backends("bulk_err_stored").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        Post::bulk_create(&t.db, posts(&["dup", "other"]))
            .await
            .unwrap();
        let input = posts(&["a", "b", "c", "d", "dup", "e", "f", "g", "dup"]);
        let err = Post::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(err.row(), Some(4), "{}: {err}", t.name);
        assert_eq!(slugs(&t.db).await, vec!["dup", "other"], "{}", t.name);
    }
}

#[tokio::test]
async fn a_repeated_key_in_a_later_chunk_names_its_row() {
    for t in tests::backends("bulk_err_chunks").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        // Two values a row: more rows than one statement holds on every backend.
        let n = t.db.dialect().bind_limit() / 2 + 100;
        let names: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        let mut input = posts(&names.iter().map(String::as_str).collect::<Vec<_>>());
        input[n - 3].slug = "s10".into();
        let err = Post::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(err.row(), Some(n - 3), "{}: {err}", t.name);
        assert_eq!(Post::query().count(&t.db).await.unwrap(), 0, "{}", t.name);
    }
}

#[tokio::test]
async fn a_repeated_explicit_primary_key_names_its_row() {
    for t in tests::backends("bulk_err_pk").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let mut input = posts(&["a", "b", "c", "d"]);
        for (post, id) in input.iter_mut().zip([10, 11, 12, 11]) {
            post.id = id;
        }
        let err = Post::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::UniqueViolation),
            "{}: {err}",
            t.name
        );
        assert_eq!(err.row(), Some(3), "{}: {err}", t.name);
    }
}

#[tokio::test]
async fn a_null_in_a_not_null_column_names_its_row() {
    for t in tests::backends("bulk_err_null").await {
        orm::schema::create_table::<StrictPerson>(&t.db)
            .await
            .unwrap();
        let mut input: Vec<Person> = (0..8)
            .map(|i| person(&format!("c{i}"), Some("name")))
            .collect();
        input[5].name = None;
        input[6].name = None;
        let err = Person::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::NotNullViolation),
            "{}: {err}",
            t.name
        );
        assert_eq!(err.row(), Some(5), "{}: {err}", t.name);
        assert_eq!(Person::query().count(&t.db).await.unwrap(), 0, "{}", t.name);
    }
}

#[tokio::test]
async fn an_upsert_names_the_row_of_its_own_input() {
    for t in tests::backends("bulk_err_upsert").await {
        orm::schema::create_table::<StrictPerson>(&t.db)
            .await
            .unwrap();
        Person::bulk_create(&t.db, vec![person("kept", Some("before"))])
            .await
            .unwrap();
        // The first "x" is dropped (the last row of a key wins), so the statement's rows
        // and the input's indexes differ.
        let input = vec![
            person("x", Some("first")),
            person("x", Some("second")),
            person("kept", Some("after")),
            person("y", None),
        ];
        let err = Person::upsert(input)
            .on_conflict(|p| p.code)
            .update(|p| p.name)
            .execute(&t.db)
            .await
            .unwrap_err();
        assert_eq!(err.row(), Some(3), "{}: {err}", t.name);
        let names: Vec<Option<String>> =
            Person::query().values(|p| p.name).all(&t.db).await.unwrap();
        assert_eq!(names, vec![Some("before".to_owned())], "{}", t.name);
    }
}

#[tokio::test]
async fn bulk_update_names_the_row_whose_new_value_collides_where_the_backend_says_it() {
    for t in tests::backends("bulk_err_update").await {
        orm::schema::create_table::<Post>(&t.db).await.unwrap();
        let mut stored = Post::bulk_create(&t.db, posts(&["a", "b", "c"]))
            .await
            .unwrap();
        stored[0].title = "new title".into();
        stored[1].slug = "c".into();
        let err = Post::bulk_update(&t.db, &stored, |p| (p.slug, p.title))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::UniqueViolation),
            "{}: {err}",
            t.name
        );
        // Row 2 carries "c" too, but keeps it: only row 1 changes its key.
        assert_eq!(err.row(), Some(1), "{}: {err}", t.name);
        assert_eq!(slugs(&t.db).await, vec!["a", "b", "c"], "{}", t.name);
    }
}

#[tokio::test]
async fn soft_deleted_rows_do_not_count_as_stored_keys() {
    for t in tests::backends("bulk_err_soft").await {
        orm::schema::create_table::<Page>(&t.db).await.unwrap();
        let mut gone = Page {
            id: 0,
            slug: "x".into(),
            deleted_at: None,
        };
        gone.insert(&t.db).await.unwrap();
        gone.delete(&t.db).await.unwrap();
        let input: Vec<Page> = ["x", "y", "x"]
            .iter()
            .map(|s| Page {
                id: 0,
                slug: (*s).into(),
                deleted_at: None,
            })
            .collect();
        let err = Page::bulk_create(&t.db, input).await.unwrap_err();
        assert_eq!(err.row(), Some(2), "{}: {err}", t.name);
        assert_eq!(
            Page::query().with_deleted().count(&t.db).await.unwrap(),
            1,
            "{}",
            t.name
        );
    }
}
