//! Building and running the HTTP server.
//!
//! [`Application::build`] binds first and reports the port, so tests can bind port 0
//! and learn the real one (the zero-to-production pattern); the `yui` binary and the
//! end-to-end tests start the server the same way.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, Service as _};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, middleware, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};
use yui_store::Database;

use crate::auth::TokenKeys;
use crate::body_shape::BodySchemas;
use crate::extract::{TrustForwardedFor, configure_extractors};
use crate::headers;
use crate::metrics::Metrics;
use crate::not_served::RouteTable;
use crate::settings::HttpSettings;
use crate::state::AppState;
use crate::{idempotency, metrics, openapi, rate_limit, request_id, routes};

/// Where the OpenAPI document is served (and where `/docs/` reads it).
const OPENAPI_PATH: &str = "/openapi.json";

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `listener` and prepares the server (it runs once awaited).
    pub fn build(listener: TcpListener, db: Database, settings: HttpSettings) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        let keys = TokenKeys::new(&settings.jwt_secret, &settings.jwt_issuer, settings.access_token_ttl);
        // A handler's database work runs on its worker's blocking pool (actix's default
        // allows 512 threads shared among the workers). More threads than connections
        // only wait for one, and each keeps its stack and its allocator cache: bound
        // each worker's pool by the database's (docs/benchmarks.md, "Memory").
        let blocking_threads = usize::try_from(db.max_concurrent_reads()).unwrap_or(8).max(2);
        let state = AppState {
            db,
            keys: keys.clone(),
            settings: settings.clone(),
            rosters: Arc::default(),
            rate_leases: Arc::default(),
        };
        let spec = openapi::document();
        let routes = RouteTable::from_spec(&spec);
        let body_schemas = web::Data::new(BodySchemas::from_spec(&spec));
        // Served as bytes made once: the document in memory is about 10 MB, and a copy
        // for each worker was most of an idle server's heap (docs/benchmarks.md).
        let spec_json = web::Bytes::from(serde_json::to_vec(&spec).map_err(std::io::Error::other)?);
        drop(spec);
        let workers = settings.workers;
        let shutdown_timeout = settings.shutdown_timeout.as_secs();
        let metrics = web::Data::new(Metrics::default());

        let mut server =
            HttpServer::new(move || {
                let (json, path, query) = configure_extractors(settings.max_body_bytes);
                App::new()
                    .into_utoipa_app()
                    .configure(routes::configure)
                    .into_app()
                    .app_data(web::Data::new(state.clone()))
                    .app_data(web::Data::new(keys.clone()))
                    .app_data(TrustForwardedFor(settings.trust_forwarded_for))
                    .app_data(json)
                    .app_data(path)
                    .app_data(query)
                    .app_data(web::PayloadConfig::new(settings.max_body_bytes))
                    .service(
                        SwaggerUi::new("/docs/{_:.*}")
                            // Never send the spec's address to Swagger's public validator.
                            .config(Config::new([OPENAPI_PATH]).validator_url("none")),
                    )
                    .service(web::resource(OPENAPI_PATH).route(web::get().to({
                        let spec_json = spec_json.clone();
                        move || {
                            let body = spec_json.clone();
                            async move { HttpResponse::Ok().content_type("application/json").body(body) }
                        }
                    })))
                    .service(web::resource("/docs").to(|| async {
                        HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
                    }))
                    .app_data(web::Data::new(routes.clone()))
                    .app_data(metrics.clone())
                    .service(web::resource("/metrics").route(web::get().to(metrics::serve)))
                    .app_data(body_schemas.clone())
                    .default_service(web::to(|request: HttpRequest, routes: web::Data<RouteTable>| async move {
                        Err::<HttpResponse, _>(routes.refuse(&request))
                    }))
                    .wrap(middleware::from_fn(idempotency::once))
                    .wrap(middleware::from_fn(rate_limit::enforce))
                    .wrap_fn(|request, service| {
                        let started = std::time::Instant::now();
                        let response = service.call(request);
                        async move {
                            let mut response = response.await?;
                            let millis = started.elapsed().as_secs_f64() * 1000.0;
                            let path = response.request().path().to_owned();
                            headers::add(&path, millis, response.headers_mut());
                            Ok(response)
                        }
                    })
                    .wrap(middleware::from_fn(request_id::tag))
            })
            .shutdown_timeout(shutdown_timeout)
            .worker_max_blocking_threads(blocking_threads)
            .listen(listener)?;
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        Ok(Self { port, server: server.run() })
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server gracefully.
    #[must_use]
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
