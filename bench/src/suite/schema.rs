//! The data of the workload suite: the users/posts/comments schema of the diesel-rs/metrics
//! benchmarks (diesel's `diesel_bench`), scaled up, and its seed rules.
//!
//! Metrics defines `users (id, name, hair_color NULL)`, `posts (id, user_id, title, body NULL)`
//! and `comments (id, post_id, text)`; users are named `User {i}` with hair colours alternating
//! `black`/`brown`, every user writes 10 posts titled `Post {i} by user {user_id}`, every post
//! gets 10 comments `Comment {i} on post {post_id}`, and inserted users get the hair colour
//! `hair_color`. Here: 10,000 users, so 100,000 posts (the full-text corpus) and 1,000,000
//! comments (the group-by input). Two changes, both needed by workloads metrics does not have:
//! a post's `body` holds 20 words drawn from a 1,000-word vocabulary (metrics leaves it NULL;
//! search needs text), and `posts.user_id`/`comments.post_id` are indexed.
//!
//! Every peer creates the tables from the ORM's own DDL (`create_table_sql`) and loads the same
//! rows from the same SQL text, so all of them read identical tables.

use orm::{Dialect, Model};

/// Users seeded (ids 1..=USERS).
pub const USERS: usize = 10_000;
/// Posts per user (metrics: 10).
pub const POSTS_PER_USER: usize = 10;
/// Comments per post (metrics: 10).
pub const COMMENTS_PER_POST: usize = 10;
/// Posts seeded: the full-text corpus.
pub const POSTS: usize = USERS * POSTS_PER_USER;
/// Comments seeded: the group-by input.
pub const COMMENTS: usize = POSTS * COMMENTS_PER_POST;
/// Words in a post body.
const BODY_WORDS: usize = 20;
/// Distinct words bodies are drawn from.
const VOCABULARY: usize = 1_000;
/// Rows per seed statement.
const SEED_ROWS_PER_STATEMENT: usize = 1_000;
/// The hair colour of inserted users (metrics' insert benchmark).
pub const INSERTED_HAIR_COLOR: &str = "hair_color";

/// A `users` row.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "users")]
pub struct User {
    #[orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A `posts` row; `title` and `body` are searchable.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "posts", fts(title, body))]
pub struct Post {
    #[orm(primary_key)]
    pub id: i64,
    #[orm(index)]
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A `comments` row.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "comments")]
pub struct Comment {
    #[orm(primary_key)]
    pub id: i64,
    #[orm(index)]
    pub post_id: i64,
    pub text: String,
}

/// The target of the 100,000-row bulk insert: a `users` table of its own, emptied before each
/// run, so the other workloads keep reading a table of constant size.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_users")]
pub struct BulkUser {
    #[orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// The CREATE statements of every table (and index, FTS table, trigger), from the ORM.
pub fn create_sql(dialect: Dialect) -> orm::Result<Vec<String>> {
    let mut all = orm::schema::create_table_sql::<User>(dialect)?;
    all.extend(orm::schema::create_table_sql::<Post>(dialect)?);
    all.extend(orm::schema::create_table_sql::<Comment>(dialect)?);
    all.extend(orm::schema::create_table_sql::<BulkUser>(dialect)?);
    Ok(all)
}

/// Empties `bulk_users` (not timed).
pub fn empty_bulk_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "DELETE FROM bulk_users",
        _ => "TRUNCATE TABLE bulk_users",
    }
}

/// The name of seeded user `i` (0-based; its id is `i + 1`).
pub fn user_name(i: usize) -> String {
    format!("User {i}")
}

/// The hair colour of seeded user `i`.
pub fn hair_color(i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        "black"
    } else {
        "brown"
    }
}

/// Word `k` of the vocabulary: two syllables, four letters, not an English word or stopword,
/// so every backend's tokenizer keeps it whole.
pub fn word(k: usize) -> String {
    const CONSONANTS: &[u8] = b"bdfgklmnpt";
    const VOWELS: &[u8] = b"aeiou";
    let syllable = |n: usize| {
        [
            CONSONANTS[n % CONSONANTS.len()] as char,
            VOWELS[(n / CONSONANTS.len()) % VOWELS.len()] as char,
        ]
    };
    let (a, b) = (syllable(k % 50), syllable(k / 50 + 7));
    [a[0], a[1], b[0], b[1]].iter().collect()
}

/// A small deterministic generator (64-bit LCG), so every run and peer sees the same data.
pub struct Lcg(u64);

impl Lcg {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number below `bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

/// The body of post `p` (0-based).
fn body(p: usize) -> String {
    let mut rng = Lcg::new(p as u64 + 1);
    let words: Vec<String> = (0..BODY_WORDS)
        .map(|_| word(rng.below(VOCABULARY)))
        .collect();
    words.join(" ")
}

/// The full-text query of the search workload: two vocabulary words, which about 40 of the
/// 100,000 posts contain both of.
pub fn search_query() -> String {
    format!("{} {}", word(17), word(503))
}

/// A SQL string literal (the seed text is plain ASCII words, but quote it properly anyway).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Multi-row INSERT statements of `rows` rows, `SEED_ROWS_PER_STATEMENT` at a time.
fn inserts(
    table: &str,
    columns: &str,
    rows: usize,
    row: impl Fn(usize) -> String,
) -> impl Iterator<Item = String> {
    let chunks = rows.div_ceil(SEED_ROWS_PER_STATEMENT);
    (0..chunks).map(move |c| {
        let start = c * SEED_ROWS_PER_STATEMENT;
        let end = (start + SEED_ROWS_PER_STATEMENT).min(rows);
        let values: Vec<String> = (start..end).map(&row).collect();
        format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            values.join(", ")
        )
    })
}

/// The seed as SQL text without parameters, the same for every peer: users, posts, comments,
/// inserted in id order into fresh tables, so user `i` has id `i + 1` and so on.
pub fn seed_sql() -> impl Iterator<Item = String> {
    let users = inserts("users", "name, hair_color", USERS, |i| {
        format!("({}, {})", literal(&user_name(i)), literal(hair_color(i)))
    });
    let posts = inserts("posts", "user_id, title, body", POSTS, |p| {
        let user_id = p / POSTS_PER_USER + 1;
        format!(
            "({user_id}, {}, {})",
            literal(&format!("Post {} by user {user_id}", p % POSTS_PER_USER)),
            literal(&body(p))
        )
    });
    let comments = inserts("comments", "post_id, text", COMMENTS, |c| {
        let post_id = c / COMMENTS_PER_POST + 1;
        format!(
            "({post_id}, {})",
            literal(&format!(
                "Comment {} on post {post_id}",
                c % COMMENTS_PER_POST
            ))
        )
    });
    users.chain(posts).chain(comments)
}

/// The id of the `k`-th point lookup of a batch: spread over the seeded users, the same
/// sequence for every peer.
pub fn lookup_id(k: usize) -> i64 {
    ((k * 7_919) % USERS) as i64 + 1
}

/// The users `bulk_update` writes in round `round`: ids 1..=n with new names and colours that
/// differ from the previous round's, so every run changes every row.
pub fn updated_users(n: usize, round: usize) -> Vec<User> {
    (0..n)
        .map(|i| User {
            id: i as i64 + 1,
            name: format!("User {i} v{round}"),
            hair_color: (i % 3 != 0).then(|| format!("colour {round}")),
        })
        .collect()
}

/// New users to insert (id 0: the database assigns it); `tag` keeps names distinct.
pub fn new_users(n: usize, tag: usize) -> Vec<User> {
    (0..n)
        .map(|i| User {
            id: 0,
            name: format!("New user {tag}-{i}"),
            hair_color: Some(INSERTED_HAIR_COLOR.to_owned()),
        })
        .collect()
}

/// Rows for the bulk insert.
pub fn bulk_users(n: usize) -> Vec<BulkUser> {
    (0..n)
        .map(|i| BulkUser {
            id: 0,
            name: user_name(i),
            hair_color: (i % 2 == 0).then(|| hair_color(i).to_owned()),
        })
        .collect()
}
