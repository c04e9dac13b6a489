//! Yui's pure rules: identifiers, value types and roles.
//!
//! Nothing here performs I/O or knows about HTTP or SQL. Inputs from the outside
//! world are parsed into these types once, at the edge ("parse, don't validate"), so
//! the store and the HTTP layer can rely on them without re-checking.

pub mod access;
pub mod email;
pub mod feed;
pub mod flow;
pub mod id;
pub mod invoicing;
pub mod money;
pub mod net;
pub mod notice;
pub mod page;
pub mod password;
pub mod role;
pub mod text;
pub mod workforce;

pub use access::{Actor, Tenant};
pub use email::Email;
pub use id::{
    CenterId, CommentId, DeliveryId, IdMap, IdSet, InvitationId, InvoiceId, JobId, OrganizationId, QuoteId, ReviewId,
    SessionId, SubmissionId, TaskId, TeamId, TimeEntryId, UserId,
};
pub use money::{Currency, Money};
pub use notice::{Locale, Notice, NoticeDelivery, NoticePreference, Template};
pub use page::PageLimit;
pub use password::NewPassword;
pub use role::Role;
