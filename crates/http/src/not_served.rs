//! Answers for requests no route serves: `405 Method Not Allowed` with an `Allow`
//! header when the path exists with other methods, `404` otherwise.
//!
//! actix-web registers each `#[get]`/`#[post]`… handler as its own resource with a
//! method guard, so a wrong method falls through to the default service like an
//! unknown path would. The paths and their methods are read from the OpenAPI
//! document, which is built from the same route list as the router.

use actix_web::HttpRequest;

use crate::error::ApiError;

/// Every documented path template, split into segments, with its methods.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl RouteTable {
    #[must_use]
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let segments = path.split('/').map(str::to_owned).collect();
                (segments, methods.into_iter().filter(|(_, served)| *served).map(|(m, _)| m).collect())
            })
            .collect();
        Self { routes }
    }

    /// The methods `path` is served with (empty when no route matches it).
    fn methods_of(&self, path: &str) -> Vec<&'static str> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut methods: Vec<&'static str> = self
            .routes
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
            })
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }

    /// The error for a request no route took.
    #[must_use]
    pub fn refuse(&self, request: &HttpRequest) -> ApiError {
        let methods = self.methods_of(request.path());
        if methods.is_empty() { ApiError::not_found("route") } else { ApiError::method_not_allowed(&methods) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_templates_segment_by_segment() {
        let table = RouteTable {
            routes: vec![
                (vec!["".into(), "v1".into(), "tasks".into(), "{id}".into()], vec!["GET", "PATCH"]),
                (vec!["".into(), "v1".into(), "tasks".into(), "{id}".into(), "start".into()], vec!["POST"]),
                (vec!["".into(), "healthz".into()], vec!["GET"]),
            ],
        };
        assert_eq!(table.methods_of("/v1/tasks/abc"), vec!["GET", "PATCH"]);
        assert_eq!(table.methods_of("/v1/tasks/abc/start"), vec!["POST"]);
        assert_eq!(table.methods_of("/healthz"), vec!["GET"]);
        assert!(table.methods_of("/v1/tasks").is_empty());
        assert!(table.methods_of("/v1/tasks//start").is_empty());
        assert!(table.methods_of("/nowhere").is_empty());
    }
}
