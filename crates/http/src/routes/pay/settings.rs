//! The centre's pay settings (daily maximum, closing day, withholding) and which
//! workers are paid as contractors, with withholding.

use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;
use yui_domain::UserId;
use yui_domain::access::Action;
use yui_domain::workforce::earnings::ClosingDay;
use yui_store::centers::{self, PaySettings};
use yui_store::statements;

use crate::access;
use crate::auth::Bearer;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::routes::tags;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(get_pay_settings).service(put_pay_settings).service(put_withholding);
}

/// The centre's pay settings.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaySettingsBody {
    /// The most minutes a worker may log on one of the centre's calendar days (1–1 440).
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub max_daily_minutes: u32,
    /// The day each monthly pay period closes on: 1–28, or 31 for the month's end.
    /// Fixed once a period is closed.
    #[validate(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub closing_day: u32,
    /// Whether the fees of workers marked as contractors are withheld on (10.21 %,
    /// 20.42 % above ¥1 000 000).
    pub withholding_enabled: bool,
}

impl From<PaySettings> for PaySettingsBody {
    fn from(settings: PaySettings) -> Self {
        Self {
            max_daily_minutes: settings.max_daily_minutes,
            closing_day: settings.closing_day.number(),
            withholding_enabled: settings.withholding_enabled,
        }
    }
}

/// The centre's pay settings (the centre's directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:read"])),
    responses((status = 200, description = "The settings.", body = PaySettingsBody))
)]
#[get("/pay-settings")]
async fn get_pay_settings(state: web::Data<AppState>, bearer: Bearer) -> Result<web::Json<PaySettingsBody>, ApiError> {
    let view = state
        .read_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ViewCentrePay)?;
            Ok(PaySettings {
                max_daily_minutes: center.max_daily_minutes,
                closing_day: center.closing_day,
                withholding_enabled: center.withholding_enabled,
            }
            .into())
        })
        .await?;
    Ok(web::Json(view))
}

/// Change the centre's pay settings (the centre's admins). Entries already logged
/// are not re-checked; the closing day cannot change once a period is closed.
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    request_body = PaySettingsBody,
    responses(
        (status = 200, description = "The saved settings.", body = PaySettingsBody),
        (status = 409, description = "The closing day cannot change once a pay period is closed (`period_closed`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/pay-settings")]
async fn put_pay_settings(
    state: web::Data<AppState>,
    bearer: Bearer,
    body: ValidJson<PaySettingsBody>,
) -> Result<web::Json<PaySettingsBody>, ApiError> {
    let body = body.into_inner();
    let closing_day = ClosingDay::from_number(body.closing_day).ok_or_else(|| {
        ApiError::invalid_field("closing_day", "closing_day", "must be 1–28, or 31 for the month's end")
    })?;
    let settings = PaySettings {
        max_daily_minutes: body.max_daily_minutes,
        closing_day,
        withholding_enabled: body.withholding_enabled,
    };
    state
        .write_as(bearer, move |conn, actor| {
            let center = access::own_centre_row(conn, actor, Action::ManageCentreSettings)?;
            yui_store::locks::centre_pay(conn, center.id)?;
            if settings.closing_day != center.closing_day
                && let Some(closed) = statements::latest_closed(conn, center.id)?
            {
                return Err(ApiError::period_closed("closing_day", closed.last_day));
            }
            Ok(centers::set_pay_settings(conn, center.id, settings)?)
        })
        .await?;
    Ok(web::Json(settings.into()))
}

/// Whether a worker is paid with withholding.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithholdingBody {
    /// Paid as a contractor: fees are withheld on when the centre turns withholding on.
    pub withheld: bool,
}

/// Mark a worker as paid with or without withholding (directors and admins).
#[utoipa::path(
    tag = tags::PAY,
    security(("bearer_token" = []), ("api_key" = ["workforce:write"])),
    params(("id" = Uuid, Path, description = "The worker's id.")),
    request_body = WithholdingBody,
    responses((status = 200, description = "The saved choice.", body = WithholdingBody))
)]
#[put("/workers/{id}/withholding")]
async fn put_withholding(
    state: web::Data<AppState>,
    bearer: Bearer,
    id: web::Path<Uuid>,
    body: ValidJson<WithholdingBody>,
) -> Result<web::Json<WithholdingBody>, ApiError> {
    let id = UserId::from(id.into_inner());
    let withheld = body.into_inner().withheld;
    state
        .write_as(bearer, move |conn, actor| {
            let worker = access::worker(conn, actor, id, Action::SetPay)?;
            let center = access::actor_centre(conn, actor)?;
            let locks = yui_store::locks::workers(conn, [worker.id])?;
            Ok(statements::set_withheld(conn, &locks, center.id, worker.id, withheld, actor.user_id)?)
        })
        .await?;
    Ok(web::Json(WithholdingBody { withheld }))
}
