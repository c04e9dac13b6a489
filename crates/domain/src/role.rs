//! The four roles a user can hold.
//!
//! A user has exactly one role. `admin`, `director` and `worker` belong to a centre;
//! `client` belongs to a client organisation. The role decides which tenant kind a
//! user must be attached to (see [`crate::access::Tenant`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages a centre's users and settings.
    Admin,
    /// Runs a centre's work: intake, splitting, assignment, review, delivery.
    Director,
    /// Does tasks for a centre.
    Worker,
    /// Posts jobs and receives deliveries for a client organisation.
    Client,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Director, Role::Worker, Role::Client];

    /// Whether this role belongs to a centre (as opposed to a client organisation).
    #[must_use]
    pub const fn is_center_role(self) -> bool {
        matches!(self, Role::Admin | Role::Director | Role::Worker)
    }

    /// The stable text form used in storage and in the API.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Worker => "worker",
            Role::Client => "client",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the four role names.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|role| role.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_client_is_outside_a_centre() {
        let outside: Vec<_> = Role::ALL.into_iter().filter(|r| !r.is_center_role()).collect();
        assert_eq!(outside, vec![Role::Client]);
    }
}
