//! Structured errors: constraint kinds, decode errors naming the column, NotFound naming the table.

use orm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "err_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    email: String,
    age: Option<i32>,
}

/// Reads `err_users` as if `email` held integers: a decode error.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "err_users")]
struct WrongUser {
    #[orm(primary_key)]
    id: i64,
    email: i64,
    age: Option<i32>,
}

/// Reads `age` as non-optional while the row holds NULL.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "err_users")]
struct StrictUser {
    #[orm(primary_key)]
    id: i64,
    email: String,
    age: i32,
}

#[tokio::test]
async fn a_duplicate_unique_value_is_a_unique_violation() {
    for t in tests::backends("err_unique").await {
        orm::schema::create_table::<User>(&t.db).await.unwrap();
        User {
            id: 0,
            email: "a@x".into(),
            age: None,
        }
        .insert(&t.db)
        .await
        .unwrap();
        let err = User {
            id: 0,
            email: "a@x".into(),
            age: None,
        }
        .insert(&t.db)
        .await
        .unwrap_err();
        match &err {
            Error::Database { kind, message, .. } => {
                assert_eq!(*kind, ErrorKind::UniqueViolation, "{}: {message}", t.name);
            }
            other => panic!("{}: expected a database error, got {other:?}", t.name),
        }
        // The same value in another case is a different value on every backend.
        User {
            id: 0,
            email: "A@x".into(),
            age: None,
        }
        .insert(&t.db)
        .await
        .unwrap_or_else(|e| {
            panic!("{}: {e}", t.name);
        });
    }
}

#[tokio::test]
async fn a_value_that_does_not_decode_names_the_column_and_both_types() {
    for t in tests::backends("err_decode").await {
        orm::schema::create_table::<User>(&t.db).await.unwrap();
        User {
            id: 0,
            email: "a@x".into(),
            age: None,
        }
        .insert(&t.db)
        .await
        .unwrap();
        let err = WrongUser::query().all(&t.db).await.unwrap_err();
        match &err {
            Error::Decode { column, source } => {
                assert_eq!(column, "email", "{}", t.name);
                let text = source.to_string();
                assert!(
                    text.contains("i64") || text.contains("mismatched"),
                    "{}: {text}",
                    t.name
                );
            }
            other => panic!("{}: expected a decode error, got {other:?}", t.name),
        }
        assert!(err.to_string().contains("email"), "{}", t.name);
        let err = StrictUser::query().all(&t.db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { column, .. } if column == "age"),
            "{}: {err:?}",
            t.name
        );
    }
}

/// Rows are decoded as they arrive: a row that does not decode fails the query, but the
/// statement is still read to its end, so the one connection is ready for the next one, on
/// its own and inside a transaction.
#[tokio::test]
async fn a_row_that_does_not_decode_mid_result_leaves_the_connection_ready() {
    for (t, url) in tests::backend_urls("err_decode_mid").await {
        let db = tests::one_connection(&url).await;
        orm::schema::create_table::<User>(&db).await.unwrap();
        let ages = [Some(1), None, Some(3), None, Some(5)];
        for (i, age) in ages.into_iter().enumerate() {
            User {
                id: 0,
                email: format!("{i}@x"),
                age,
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let strict = StrictUser::query().order_by(|u| u.id);
        let err = strict.all(&db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { column, .. } if column == "age"),
            "{}: {err:?}",
            t.name
        );
        let users = User::query().order_by(|u| u.id).all(&db).await.unwrap();
        let read: Vec<Option<i32>> = users.iter().map(|u| u.age).collect();
        assert_eq!(read, ages, "{}", t.name);

        let mut tx = db.begin().await.unwrap();
        let err = strict.all(&mut tx).await.unwrap_err();
        assert!(matches!(&err, Error::Decode { .. }), "{}: {err:?}", t.name);
        assert_eq!(User::query().count(&mut tx).await.unwrap(), 5, "{}", t.name);
        tx.commit().await.unwrap();
        let fine = StrictUser::query().filter(|u| u.age.is_not_null());
        assert_eq!(fine.all(&db).await.unwrap().len(), 3, "{}", t.name);
    }
}

#[tokio::test]
async fn a_missing_table_is_a_database_error() {
    for t in tests::backends("err_missing_table").await {
        let err = User::query().all(&t.db).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Database {
                    kind: ErrorKind::Other,
                    ..
                }
            ),
            "{}: {err:?}",
            t.name
        );
    }
}

#[tokio::test]
async fn not_null_violations_are_classified() {
    for t in tests::backends("err_not_null").await {
        orm::schema::create_table::<User>(&t.db).await.unwrap();
        let result =
            t.db.execute_raw_for_test("INSERT INTO err_users (email) VALUES (NULL)")
                .await;
        let err = result.unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::NotNullViolation),
            "{}: {err}",
            t.name
        );
    }
}

trait RawForTest {
    async fn execute_raw_for_test(&self, sql: &str) -> orm::Result<orm::ExecResult>;
}

impl RawForTest for Db {
    async fn execute_raw_for_test(&self, sql: &str) -> orm::Result<orm::ExecResult> {
        self.execute_raw(sql, vec![]).await
    }
}
