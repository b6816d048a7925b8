//! The routes, mounted from the contract's templates ([`candour_core::api::route`]), and the
//! layers every request passes.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use candour_core::api::route;
use tracing::Instrument as _;

use super::{handlers, AppState};
use crate::error::ApiError;

/// The relay's routes, with JSON errors for unknown routes and methods and the request timeout.
/// The inbox, case streams and mailboxes share their handlers: the path says which place.
pub fn router(state: AppState) -> Router {
    let timeout = state.0.limits.request_timeout;
    let page_origins: Arc<[String]> = state.0.limits.page_origins.clone().into();
    Router::new()
        .route(route::HEALTHZ, get(handlers::healthz))
        .route(route::READYZ, get(handlers::readyz))
        .route(route::OPENAPI, get(handlers::openapi))
        .route(route::DIRECTORY, get(handlers::directory))
        .route(route::DIRECTORIES, get(handlers::directories))
        .route(route::POLICY, get(handlers::policy))
        .route(route::CHALLENGE, post(handlers::challenge))
        .route(route::INBOX, post(handlers::submit).get(handlers::list))
        .route(route::INBOX_ENTRY, get(handlers::read))
        .route(route::CASE, post(handlers::append).get(handlers::list))
        .route(route::CASE_ENTRY, get(handlers::read))
        .route(route::MAILBOX, post(handlers::append))
        .route(route::MAILBOX_LIST, post(handlers::mailbox_list))
        .route(route::MAILBOX_READ, post(handlers::mailbox_read))
        .merge(crate::web::routes())
        .fallback(|| async { ApiError::NOT_FOUND })
        .method_not_allowed_fallback(|| async { ApiError::METHOD_NOT_ALLOWED })
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| async move {
            match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(response) => response,
                // Dropping the handler drops its upload guard, which discards the partial upload.
                Err(_) => ApiError::TIMEOUT.into_response(),
            }
        }))
        .layer(axum::middleware::from_fn(in_span))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::from_fn(close_after_refused_bodies))
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            let origins = Arc::clone(&page_origins);
            async move { cross_origin(&origins, req, next).await }
        }))
        .with_state(state)
}

/// Each request runs in a span named by its route's template (`/v1/cases/{stream}`), never by
/// the ids in its path: a log says which kind of request failed, not whose.
async fn in_span(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_owned();
    let method = req.method().clone();
    next.run(req).instrument(tracing::info_span!("request", %method, %route)).await
}

/// The reporters' API, across origins, for a page hosted apart from the relay (README "Where
/// the page comes from"): only for the configured page origins, never with credentials, and
/// only for what the page calls. Any other origin gets no `Access-Control-Allow-Origin`, so its
/// browser keeps the answer from it. The API needs no cookie and reveals nothing a direct
/// request would not, so this is about keeping other sites from using visitors' browsers as
/// a cheap pool of proof-of-work solvers and readers of the relay's answers.
async fn cross_origin(origins: &[String], req: Request, next: Next) -> Response {
    const REPORTER_API: [&str; 6] = [
        route::DIRECTORY,
        route::DIRECTORIES,
        route::CHALLENGE,
        route::INBOX,
        route::MAILBOX_LIST,
        route::MAILBOX_READ,
    ];
    let path = req.uri().path();
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| origins.iter().any(|a| a == o))
        .filter(|_| REPORTER_API.contains(&path))
        .and_then(|o| HeaderValue::from_str(o).ok());
    // A preflight from a page origin is answered here; any other OPTIONS goes on to the router
    // (and meets its method-not-allowed error), so an unknown origin learns nothing new.
    let preflight = allowed.is_some()
        && req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(req).await };
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if preflight {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(PAGE_REQUEST_HEADERS));
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
    }
    response
}

/// The request headers the page sends across origins: a JSON or binary body's type, and the
/// proof of work ([`candour_core::pow::HEADER`], checked by a test).
pub const PAGE_REQUEST_HEADERS: &str = "content-type, candour-pow";

/// A request with a body that is refused may have been answered before its body was read, and
/// then the connection cannot carry another request: say so (`Connection: close`), or a client
/// that reuses it meets a connection closed under its next request.
async fn close_after_refused_bodies(req: Request, next: Next) -> Response {
    let has_body = req.method() != Method::GET && req.method() != Method::HEAD;
    let mut response = next.run(req).await;
    if has_body && (response.status().is_client_error() || response.status().is_server_error()) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Any error response that is not already our JSON (an extractor rejection, say) becomes one,
/// so clients always get a stable code and never a framework message.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    match status {
        StatusCode::NOT_FOUND => ApiError::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::METHOD_NOT_ALLOWED,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::WRONG_CONTENT_TYPE,
        StatusCode::REQUEST_TIMEOUT => ApiError::TIMEOUT,
        s if s.is_client_error() => ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "the request is malformed"),
        _ => ApiError::STORAGE,
    }
    .into_response()
}
