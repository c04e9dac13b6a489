//! The centre's billing settings for its qualified invoices (適格請求書): the
//! issuer's legal name, address and registration number (checked, check digit
//! included), the default tax rate, how each rate's tax is rounded once per invoice,
//! and the payment terms. Read by directors and admins, saved by admins.

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::access::Action;
use yui_domain::invoicing::{InvalidRegistrationNumber, RegistrationNumber, TaxRate, TaxRounding};
use yui_store::billing::{self, BillingSettings};

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::input;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(get_billing_settings).service(put_billing_settings);
}

/// How each tax rate's consumption tax is rounded to the yen, once per invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxRoundingName {
    /// Fractions dropped (切り捨て): the default.
    Down,
    /// ¥0.50 and more up (四捨五入).
    HalfUp,
    /// Any fraction up (切り上げ).
    Up,
}

impl From<TaxRoundingName> for TaxRounding {
    fn from(name: TaxRoundingName) -> Self {
        match name {
            TaxRoundingName::Down => TaxRounding::Down,
            TaxRoundingName::HalfUp => TaxRounding::HalfUp,
            TaxRoundingName::Up => TaxRounding::Up,
        }
    }
}

impl From<TaxRounding> for TaxRoundingName {
    fn from(rounding: TaxRounding) -> Self {
        match rounding {
            TaxRounding::Down => TaxRoundingName::Down,
            TaxRounding::HalfUp => TaxRoundingName::HalfUp,
            TaxRounding::Up => TaxRoundingName::Up,
        }
    }
}

/// The centre's billing settings.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingSettingsRequest {
    /// The issuer's registered name (1–200 characters).
    pub legal_name: String,
    /// The issuer's address (1–500 characters).
    pub address: String,
    /// `T` followed by the 13-digit corporate number; the check digit is verified.
    #[schema(pattern = r"^T\d{13}$", example = "T7000012050002")]
    pub registration_number: String,
    /// 10 (standard) or 8 (reduced); lines may say otherwise.
    #[validate(range(min = 8, max = 10))]
    #[schema(minimum = 8, maximum = 10, example = 10)]
    pub default_tax_rate: i64,
    /// `down` (the default), `half_up` or `up`.
    pub tax_rounding: Option<TaxRoundingName>,
    /// Days from issue to the due date (0–120).
    #[validate(range(min = 0, max = 120))]
    #[schema(minimum = 0, maximum = 120, example = 30)]
    pub payment_terms_days: u32,
}

/// The centre's billing settings as saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct BillingSettingsView {
    /// `false` until the centre's admins save them (the other fields are then `null`).
    pub configured: bool,
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub registration_number: Option<String>,
    pub default_tax_rate: i64,
    pub tax_rounding: TaxRoundingName,
    pub payment_terms_days: u32,
    pub updated_by: Option<Uuid>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The defaults before anything is saved: 10 %, rounded down, 30 days.
const DEFAULT_TERMS_DAYS: u32 = 30;

fn view(settings: Option<BillingSettings>) -> BillingSettingsView {
    match settings {
        Some(s) => BillingSettingsView {
            configured: true,
            legal_name: Some(s.legal_name),
            address: Some(s.address),
            registration_number: Some(s.registration_number.to_string()),
            default_tax_rate: s.default_tax_rate.percent(),
            tax_rounding: s.tax_rounding.into(),
            payment_terms_days: s.payment_terms_days,
            updated_by: Some(s.updated_by.as_uuid()),
            updated_at: Some(s.updated_at),
        },
        None => BillingSettingsView {
            configured: false,
            legal_name: None,
            address: None,
            registration_number: None,
            default_tax_rate: TaxRate::Standard10.percent(),
            tax_rounding: TaxRoundingName::Down,
            payment_terms_days: DEFAULT_TERMS_DAYS,
            updated_by: None,
            updated_at: None,
        },
    }
}

/// The centre's billing settings (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "The settings.", body = BillingSettingsView))
)]
#[get("/billing-settings")]
async fn get_billing_settings(
    state: web::Data<AppState>,
    bearer: Bearer,
) -> Result<web::Json<BillingSettingsView>, ApiError> {
    let settings = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre(actor, Action::ViewCentrePay)?;
            Ok(billing::find(conn, center)?)
        })
        .await?;
    Ok(web::Json(view(settings)))
}

/// Save the centre's billing settings (the centre's admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    request_body = BillingSettingsRequest,
    responses((status = 200, description = "The saved settings.", body = BillingSettingsView))
)]
#[put("/billing-settings")]
async fn put_billing_settings(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<BillingSettingsRequest>,
) -> Result<web::Json<BillingSettingsView>, ApiError> {
    let body = body.into_inner();
    let legal_name = input::name("legal_name", &body.legal_name, 200)?.into_string();
    let address = input::required_text("address", &body.address, 500)?;
    let registration_number: RegistrationNumber = body.registration_number.parse().map_err(|refused| {
        let code = match refused {
            InvalidRegistrationNumber::Format => "format",
            InvalidRegistrationNumber::CheckDigit => "check_digit",
        };
        ApiError::invalid_field("registration_number", code, refused)
    })?;
    let default_tax_rate = TaxRate::from_percent(body.default_tax_rate)
        .ok_or_else(|| ApiError::invalid_field("default_tax_rate", "tax_rate", "must be 10 or 8"))?;
    let tax_rounding = body.tax_rounding.map_or(TaxRounding::Down, Into::into);
    let payment_terms_days = body.payment_terms_days;
    let saved = state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre(actor, Action::ManageCentreSettings)?;
            let settings = BillingSettings {
                legal_name: legal_name.clone(),
                address: address.clone(),
                registration_number: registration_number.clone(),
                default_tax_rate,
                tax_rounding,
                payment_terms_days,
                updated_by: actor.user_id,
                updated_at: yui_store::now(),
            };
            billing::save(conn, center, &settings)?;
            Ok(settings)
        })
        .await?;
    Ok(web::Json(view(Some(saved))))
}
