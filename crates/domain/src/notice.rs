//! What Yui tells people, and in which language.
//!
//! A [`Notice`] is one kind of message a person can receive about their work; each
//! user may turn each kind on or off and choose to get it at once or in a daily
//! digest ([`NoticeDelivery`]). Account messages (invitations, e-mail verification,
//! password reset) are not notices: they are always sent, at once. Every message is
//! written in the recipient's [`Locale`].

use std::fmt;
use std::str::FromStr;

/// The language of everything a person reads. Japanese is the default: the centres
/// Yui is modelled on are Japanese.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    Ja,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    /// The BCP 47 tag, as stored and shown in the API.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a supported locale.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown locale `{0}` (supported: ja, en)")]
pub struct UnknownLocale(pub String);

impl FromStr for Locale {
    type Err = UnknownLocale;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| UnknownLocale(s.to_owned()))
    }
}

/// A kind of message about work, which each user can turn on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Notice {
    /// To a worker: a task is now theirs.
    TaskAssigned,
    /// To a worker: a reviewer asked for changes to their submission.
    ChangesRequested,
    /// To a team's workers: a colleague released a task back to the team's queue.
    TaskReleased,
    /// To a client: the centre quoted their job.
    QuoteSent,
    /// To a client: a delivery of finished work is ready to check.
    DeliveryReady,
    /// To a client: every task of their job is accepted.
    JobCompleted,
    /// To a centre's directors: a client posted a job.
    JobPosted,
    /// To a centre's directors: a task can no longer be done in time by its worker.
    WorkAtRisk,
    /// To a client: the centre issued an invoice for their job.
    InvoiceIssued,
    /// To a client: an invoice for their job is unpaid past its due date.
    InvoiceOverdue,
    /// To a client: their payment of an invoice was recorded (a receipt).
    InvoicePaid,
    /// To a worker: a director approved time they logged.
    TimeApproved,
    /// To a worker: a director rejected time they logged.
    TimeRejected,
}

impl Notice {
    pub const ALL: [Notice; 13] = [
        Notice::TaskAssigned,
        Notice::ChangesRequested,
        Notice::TaskReleased,
        Notice::QuoteSent,
        Notice::DeliveryReady,
        Notice::JobCompleted,
        Notice::JobPosted,
        Notice::WorkAtRisk,
        Notice::InvoiceIssued,
        Notice::InvoiceOverdue,
        Notice::InvoicePaid,
        Notice::TimeApproved,
        Notice::TimeRejected,
    ];

    /// The stable name, as stored, shown in the API and used for template files.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Notice::TaskAssigned => "task_assigned",
            Notice::ChangesRequested => "changes_requested",
            Notice::TaskReleased => "task_released",
            Notice::QuoteSent => "quote_sent",
            Notice::DeliveryReady => "delivery_ready",
            Notice::JobCompleted => "job_completed",
            Notice::JobPosted => "job_posted",
            Notice::WorkAtRisk => "work_at_risk",
            Notice::InvoiceIssued => "invoice_issued",
            Notice::InvoiceOverdue => "invoice_overdue",
            Notice::InvoicePaid => "invoice_paid",
            Notice::TimeApproved => "time_approved",
            Notice::TimeRejected => "time_rejected",
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a notice kind.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown notification kind `{0}`")]
pub struct UnknownNotice(pub String);

impl FromStr for Notice {
    type Err = UnknownNotice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Notice::ALL.into_iter().find(|n| n.as_str() == s).ok_or_else(|| UnknownNotice(s.to_owned()))
    }
}

/// When a user gets a notice they have turned on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NoticeDelivery {
    /// As soon as it happens, one e-mail per notice.
    #[default]
    Immediately,
    /// Collected into one e-mail a day.
    DailyDigest,
}

impl NoticeDelivery {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeDelivery::Immediately => "immediately",
            NoticeDelivery::DailyDigest => "daily_digest",
        }
    }
}

impl FromStr for NoticeDelivery {
    type Err = UnknownNotice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [NoticeDelivery::Immediately, NoticeDelivery::DailyDigest]
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| UnknownNotice(s.to_owned()))
    }
}

/// One user's choice for one notice kind. Without a stored choice a notice is on
/// and sent immediately.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticePreference {
    pub notice: Notice,
    pub enabled: bool,
    pub delivery: NoticeDelivery,
}

impl NoticePreference {
    /// The choice of someone who never changed anything.
    #[must_use]
    pub const fn default_for(notice: Notice) -> Self {
        Self { notice, enabled: true, delivery: NoticeDelivery::Immediately }
    }
}

/// Every message Yui sends: the account messages and one per notice kind, plus the
/// daily digest. Its name is the template's file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    Invitation,
    VerifyEmail,
    PasswordReset,
    Notice(Notice),
    Digest,
    /// To a webhook endpoint's owners: it failed for too long and was disabled.
    EndpointDisabled,
    /// To a worker: a pay period closed, their earnings statement is final.
    StatementClosed,
}

impl Template {
    /// Every template, for checking that each exists in each locale.
    #[must_use]
    pub fn all() -> Vec<Template> {
        let mut all = vec![
            Template::Invitation,
            Template::VerifyEmail,
            Template::PasswordReset,
            Template::Digest,
            Template::EndpointDisabled,
            Template::StatementClosed,
        ];
        all.extend(Notice::ALL.map(Template::Notice));
        all
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Template::Invitation => "invitation",
            Template::VerifyEmail => "verify_email",
            Template::PasswordReset => "password_reset",
            Template::Digest => "digest",
            Template::EndpointDisabled => "endpoint_disabled",
            Template::StatementClosed => "statement_closed",
            Template::Notice(notice) => notice.as_str(),
        }
    }
}

impl FromStr for Template {
    type Err = UnknownNotice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Template::all().into_iter().find(|t| t.as_str() == s).ok_or_else(|| UnknownNotice(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for template in Template::all() {
            assert_eq!(template.as_str().parse::<Template>(), Ok(template));
        }
        for locale in Locale::ALL {
            assert_eq!(locale.as_str().parse::<Locale>(), Ok(locale));
        }
        assert!("fr".parse::<Locale>().is_err());
        assert!("task_eaten".parse::<Notice>().is_err());
        assert_eq!("daily_digest".parse::<NoticeDelivery>(), Ok(NoticeDelivery::DailyDigest));
    }
}
