//! A centre's billing settings: what its qualified invoices say about the issuer
//! and how they compute tax. One row per centre, replaced whole.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use yui_domain::invoicing::{RegistrationNumber, TaxRate, TaxRounding};
use yui_domain::{CenterId, UserId};

use crate::ids::{from_db_time, parse_uuid, to_db_time};
use crate::schema::billing_settings;
use crate::{DbConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingSettings {
    /// The issuer's registered name, as on its registration.
    pub legal_name: String,
    pub address: String,
    pub registration_number: RegistrationNumber,
    /// The rate of a line unless it says otherwise.
    pub default_tax_rate: TaxRate,
    /// How each rate's tax is rounded, once per invoice.
    pub tax_rounding: TaxRounding,
    /// Days from issue to the due date.
    pub payment_terms_days: u32,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = billing_settings)]
struct Row {
    legal_name: String,
    address: String,
    registration_number: String,
    default_tax_rate: i32,
    tax_rounding: String,
    payment_terms_days: i32,
    updated_by: String,
    updated_at: NaiveDateTime,
}

impl TryFrom<Row> for BillingSettings {
    type Error = StoreError;
    fn try_from(row: Row) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("billing settings: {what}"));
        Ok(BillingSettings {
            legal_name: row.legal_name,
            address: row.address,
            registration_number: row.registration_number.parse().map_err(|_| corrupt("registration number"))?,
            default_tax_rate: TaxRate::from_percent(i64::from(row.default_tax_rate))
                .ok_or_else(|| corrupt("tax rate"))?,
            tax_rounding: TaxRounding::parse(&row.tax_rounding).ok_or_else(|| corrupt("rounding"))?,
            payment_terms_days: u32::try_from(row.payment_terms_days).map_err(|_| corrupt("payment terms"))?,
            updated_by: parse_uuid(&row.updated_by)?.into(),
            updated_at: from_db_time(row.updated_at),
        })
    }
}

/// The centre's settings, if its admins saved them.
pub fn find(conn: &mut DbConnection, center: CenterId) -> Result<Option<BillingSettings>, StoreError> {
    billing_settings::table
        .filter(billing_settings::center_id.eq(center.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(BillingSettings::try_from)
        .transpose()
}

/// Saves (creates or replaces) the centre's settings, in one upsert.
pub fn save(conn: &mut DbConnection, center: CenterId, settings: &BillingSettings) -> Result<(), StoreError> {
    use billing_settings::dsl as b;
    use diesel::upsert::excluded;
    let number = |n: i64| i32::try_from(n).map_err(|e| StoreError::Corrupt(e.to_string()));
    let values = (
        b::center_id.eq(center.to_string()),
        b::legal_name.eq(&settings.legal_name),
        b::address.eq(&settings.address),
        b::registration_number.eq(settings.registration_number.as_str()),
        b::default_tax_rate.eq(number(settings.default_tax_rate.percent())?),
        b::tax_rounding.eq(settings.tax_rounding.as_str()),
        b::payment_terms_days.eq(number(i64::from(settings.payment_terms_days))?),
        b::updated_by.eq(settings.updated_by.to_string()),
        b::updated_at.eq(to_db_time(settings.updated_at)),
    );
    let replaced = (
        b::legal_name.eq(excluded(b::legal_name)),
        b::address.eq(excluded(b::address)),
        b::registration_number.eq(excluded(b::registration_number)),
        b::default_tax_rate.eq(excluded(b::default_tax_rate)),
        b::tax_rounding.eq(excluded(b::tax_rounding)),
        b::payment_terms_days.eq(excluded(b::payment_terms_days)),
        b::updated_by.eq(excluded(b::updated_by)),
        b::updated_at.eq(excluded(b::updated_at)),
    );
    crate::db::on_engine!(conn, |c| diesel::insert_into(billing_settings::table)
        .values(values)
        .on_conflict(b::center_id)
        .do_update()
        .set(replaced)
        .execute(c))?;
    Ok(())
}
