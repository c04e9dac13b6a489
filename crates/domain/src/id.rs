//! Typed identifiers.
//!
//! Every id is a UUIDv7: time-ordered, so ordering by id is ordering by creation,
//! which keyset pagination relies on. A newtype per entity keeps a user id from
//! being passed where a centre id is expected.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A map keyed by ids, hashed with foldhash instead of the standard library's
/// SipHash: ids are ours (random UUIDv7 bits), not chosen by a caller, and the
/// workforce rules look up ten thousand workers several times per request, where
/// SipHash was 6 % of the at-risk page (docs/benchmarks.md). Seeded per map.
pub type IdMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A set of ids; see [`IdMap`].
pub type IdSet<K> = HashSet<K, foldhash::fast::RandomState>;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            #[must_use]
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID (read back from storage or a request path).
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

id_type!(
    /// A telework centre (a tenant).
    CenterId
);
id_type!(
    /// A client organisation (a company or municipality that posts jobs).
    OrganizationId
);
id_type!(
    /// A user account of any role.
    UserId
);
id_type!(
    /// A login session: one chain of rotating refresh tokens.
    SessionId
);
id_type!(
    /// An invitation to join a centre or an organisation.
    InvitationId
);

id_type!(
    /// A job posted by a client organisation to a centre.
    JobId
);
id_type!(
    /// A director's quote for a job.
    QuoteId
);
id_type!(
    /// One task of a job.
    TaskId
);
id_type!(
    /// One version of a task's result.
    SubmissionId
);
id_type!(
    /// A review of a submission.
    ReviewId
);
id_type!(
    /// A bundle of approved tasks sent to the client.
    DeliveryId
);
id_type!(
    /// A comment on a job or a task.
    CommentId
);

id_type!(
    /// A team of workers in a centre.
    TeamId
);

id_type!(
    /// A span of time a worker logged on a task.
    TimeEntryId
);

id_type!(
    /// A client invoice or a credit note.
    InvoiceId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_time_ordered_and_round_trip_through_text() {
        let first = UserId::generate();
        let second = UserId::generate();
        assert!(first < second);
        let parsed: UserId = first.to_string().parse().expect("parses");
        assert_eq!(parsed, first);
        assert_eq!(first.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn malformed_text_is_not_an_id() {
        assert!("not-a-uuid".parse::<CenterId>().is_err());
    }
}
