//! A client invoice: a `draft` the centre's directors edit, then `issued` (numbered
//! and frozen), then `paid` or `void`. A draft that is voided was never issued and
//! keeps no number. Corrections to an issued or paid invoice are credit notes
//! linked to it, never edits; the invoice's status does not change when credited.

super::state_machine! {
    entity: "invoice",
    /// Where an invoice stands.
    status InvoiceStatus {
        Draft = "draft",
        Issued = "issued",
        Paid = "paid",
        Void = "void",
    }
    /// What can happen to an invoice.
    action InvoiceAction {
        Edit = "edit",
        Issue = "issue",
        Pay = "pay",
        Void = "void",
        Credit = "credit",
    }
    transitions {
        Draft => { Edit => Draft, Issue => Issued, Void => Void },
        Issued => { Pay => Paid, Void => Void, Credit => Issued },
        Paid => { Credit => Paid },
        Void => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drafts_are_edited_and_only_issued_invoices_are_paid() {
        for status in [InvoiceStatus::Issued, InvoiceStatus::Paid, InvoiceStatus::Void] {
            assert!(status.apply(InvoiceAction::Edit).is_err(), "{status:?}");
            assert!(status.apply(InvoiceAction::Issue).is_err(), "{status:?}");
        }
        assert!(InvoiceStatus::Draft.apply(InvoiceAction::Pay).is_err());
        assert!(InvoiceStatus::Draft.apply(InvoiceAction::Credit).is_err(), "a draft is edited, not credited");
        assert!(InvoiceStatus::Paid.apply(InvoiceAction::Void).is_err(), "a paid invoice is credited, not voided");
        assert_eq!(InvoiceStatus::Issued.apply(InvoiceAction::Pay), Ok(InvoiceStatus::Paid));
        assert!(InvoiceStatus::Void.allowed_actions().is_empty());
    }
}
