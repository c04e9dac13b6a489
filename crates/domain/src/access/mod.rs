//! Who is acting, on behalf of which tenant, and what they may do.
//!
//! Every authorised request resolves to an [`Actor`]; [`decide`] answers every
//! "may they?" of the API from the actor's role, their relation to the resource and
//! the action (see `rules`). Handlers ask instead of re-deriving rules from roles.

mod rules;
mod scope;

pub use rules::{Action, Decision, Refusal, Relation, Resource, decide};
pub use scope::{Credential, KeyRefusal, KeyUse, Scope, Scopes, UnknownScope};

use crate::{CenterId, OrganizationId, Role, UserId};

/// The organisation a user belongs to: a centre, or a client organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tenant {
    Center(CenterId),
    Organization(OrganizationId),
}

/// A role was paired with the wrong kind of tenant.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("role `{role}` cannot belong to this kind of tenant")]
pub struct RoleTenantMismatch {
    pub role: Role,
}

impl Tenant {
    /// Checks that `role` may belong to this tenant kind.
    pub fn admits(self, role: Role) -> Result<(), RoleTenantMismatch> {
        let fits = match self {
            Tenant::Center(_) => role.is_center_role(),
            Tenant::Organization(_) => !role.is_center_role(),
        };
        if fits { Ok(()) } else { Err(RoleTenantMismatch { role }) }
    }
}

/// An authenticated, active user acting within their tenant: signed in themself,
/// or through an API key they created (which narrows what they may do to its scopes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub tenant: Tenant,
    pub credential: Credential,
}

impl Actor {
    /// Roles this actor may invite into its own tenant. Centre admins bring in
    /// directors, workers and other admins; clients bring in colleagues. Directors and
    /// workers invite nobody.
    #[must_use]
    pub fn may_invite(&self, role: Role) -> bool {
        match self.role {
            Role::Admin => role.is_center_role(),
            Role::Client => role == Role::Client,
            Role::Director | Role::Worker => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        let tenant = if role.is_center_role() {
            Tenant::Center(CenterId::generate())
        } else {
            Tenant::Organization(OrganizationId::generate())
        };
        Actor { user_id: UserId::generate(), role, tenant, credential: Credential::Person }
    }

    #[test]
    fn invitation_table() {
        use Role::*;
        // (inviter, invitee, allowed)
        let table = [
            (Admin, Admin, true),
            (Admin, Director, true),
            (Admin, Worker, true),
            (Admin, Client, false),
            (Director, Admin, false),
            (Director, Director, false),
            (Director, Worker, false),
            (Director, Client, false),
            (Worker, Admin, false),
            (Worker, Director, false),
            (Worker, Worker, false),
            (Worker, Client, false),
            (Client, Admin, false),
            (Client, Director, false),
            (Client, Worker, false),
            (Client, Client, true),
        ];
        for (inviter, invitee, allowed) in table {
            assert_eq!(actor(inviter).may_invite(invitee), allowed, "{inviter} invites {invitee}");
        }
    }

    #[test]
    fn tenants_admit_only_their_roles() {
        let center = Tenant::Center(CenterId::generate());
        let org = Tenant::Organization(OrganizationId::generate());
        for role in Role::ALL {
            assert_eq!(center.admits(role).is_ok(), role.is_center_role());
            assert_eq!(org.admits(role).is_ok(), !role.is_center_role());
        }
    }
}
