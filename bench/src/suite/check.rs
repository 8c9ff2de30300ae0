//! Sanity checks every peer applies to what an operation returned, so a peer that silently
//! does less work (an empty result, a no-op update) fails instead of looking fast.

use super::schema::{COMMENTS, COMMENTS_PER_POST, POSTS};
use crate::measure::Result;

/// A looked-up user is the seeded user with that id: `User {id - 1}`, possibly renamed by
/// `bulk_update` to `User {id - 1} v{round}`.
pub fn user(id: i64, name: &str) -> Result<()> {
    let expected = format!("User {}", id - 1);
    match name.strip_prefix(&expected) {
        Some("") => Ok(()),
        Some(rest) if rest.starts_with(" v") => Ok(()),
        _ => Err(format!("user {id} is named `{name}`").into()),
    }
}

/// `what` has `got` items, `expected` wanted.
pub fn count(what: &str, got: usize, expected: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{got} {what}, expected {expected}").into())
    }
}

/// A generated id is positive.
pub fn id(id: i64) -> Result<()> {
    if id > 0 {
        Ok(())
    } else {
        Err(format!("generated id {id}").into())
    }
}

/// The group-by result: one group per post, each with its comments.
pub fn groups(groups: &[(i64, i64)]) -> Result<()> {
    count("groups", groups.len(), POSTS)?;
    let total: i64 = groups.iter().map(|g| g.1).sum();
    count("comments in the groups", total as usize, COMMENTS)?;
    match groups.iter().find(|g| g.1 != COMMENTS_PER_POST as i64) {
        Some(g) => Err(format!("post {} has {} comments", g.0, g.1).into()),
        None => Ok(()),
    }
}

/// The search found some posts, at most the 20 asked for.
pub fn search(found: usize) -> Result<()> {
    if (1..=20).contains(&found) {
        Ok(())
    } else {
        Err(format!("search found {found} posts").into())
    }
}
