//! Each user's choices about notices: on or off, at once or in a daily digest.
//!
//! Only choices a user made are stored; a notice without a row is on and sent
//! immediately ([`NoticePreference::default_for`]). Saving is one upsert per kind,
//! so two saves at once never fail on the primary key and the last one wins.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;
use yui_domain::{Notice, NoticeDelivery, NoticePreference, UserId};

use crate::ids::to_db_time;
use crate::schema::notice_preferences as np;
use crate::{DbConnection, StoreError};

/// The user's choice for every notice kind, in [`Notice::ALL`] order.
pub fn of_user(conn: &mut DbConnection, user: UserId) -> Result<Vec<NoticePreference>, StoreError> {
    let stored = stored_for(conn, &[user])?;
    Ok(Notice::ALL
        .iter()
        .map(|notice| stored.get(&(user, *notice)).copied().unwrap_or(NoticePreference::default_for(*notice)))
        .collect())
}

/// The stored choices of several users, by (user, notice).
pub fn stored_for(
    conn: &mut DbConnection,
    users: &[UserId],
) -> Result<HashMap<(UserId, Notice), NoticePreference>, StoreError> {
    let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String, bool, String)> = np::table
        .filter(np::user_id.eq_any(ids))
        .select((np::user_id, np::notice, np::enabled, np::delivery))
        .load(conn)?;
    let mut stored = HashMap::new();
    for (user, notice, enabled, delivery) in rows {
        // A kind this version no longer knows is ignored rather than fatal.
        let (Ok(notice), Ok(delivery)) = (notice.parse::<Notice>(), delivery.parse::<NoticeDelivery>()) else {
            continue;
        };
        let user = UserId::from(crate::ids::parse_uuid(&user)?);
        stored.insert((user, notice), NoticePreference { notice, enabled, delivery });
    }
    Ok(stored)
}

/// Saves the given choices (other kinds keep theirs).
pub fn save(conn: &mut DbConnection, user: UserId, choices: &[NoticePreference]) -> Result<(), StoreError> {
    let now = to_db_time(crate::now());
    for choice in choices {
        let values = (
            np::user_id.eq(user.to_string()),
            np::notice.eq(choice.notice.as_str()),
            np::enabled.eq(choice.enabled),
            np::delivery.eq(choice.delivery.as_str()),
            np::updated_at.eq(now),
        );
        let update =
            (np::enabled.eq(excluded(np::enabled)), np::delivery.eq(excluded(np::delivery)), np::updated_at.eq(now));
        crate::db::on_engine!(conn, |c| diesel::insert_into(np::table)
            .values(values)
            .on_conflict((np::user_id, np::notice))
            .do_update()
            .set(update)
            .execute(c))?;
    }
    Ok(())
}
