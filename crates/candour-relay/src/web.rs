//! The reporter's pages: `/` to report, `/mailbox` to read replies and follow up.
//!
//! Everything is embedded in the binary: two HTML pages, one stylesheet, three scripts (the
//! page, the module's glue and a worker) and the WebAssembly module built from `candour-web` (`scripts/build-web.sh`; a test rebuilds it and
//! compares bytes). The relay serves them and nothing else of the page's: no third-party
//! resource, no cookie, no inline script, and a Content-Security-Policy that says so. Sealing
//! happens in the module, in the browser; the page sends the relay only ciphertext.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The reporter page.
pub const INDEX_HTML: &str = include_str!("../web/index.html");
/// The mailbox page.
pub const MAILBOX_HTML: &str = include_str!("../web/mailbox.html");
/// The stylesheet both pages share.
pub const CSS: &str = include_str!("../web/candour.css");
/// The page script: the form and the HTTP calls.
pub const SCRIPT: &str = include_str!("../web/candour.js");
/// The glue to the WebAssembly module, shared by the page and its worker.
pub const MODULE_GLUE: &str = include_str!("../web/candour-module.js");
/// The worker that runs sealing and the proof of work off the page's thread.
pub const WORKER: &str = include_str!("../web/candour-worker.js");
/// The sealing module, `candour-web` built for wasm32-unknown-unknown.
pub const WASM: &[u8] = include_bytes!("../web/candour.wasm");

/// Same-origin only; the module may be compiled (`wasm-unsafe-eval` allows WebAssembly, not
/// `eval`); no inline script or style; no framing; forms cannot post anywhere.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; \
     style-src 'self'; img-src 'self' blob:; connect-src 'self'; form-action 'none'; \
     frame-ancestors 'none'; base-uri 'none'";

const JS: &str = "text/javascript; charset=utf-8";

/// The page routes, merged into the relay's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { page("text/html; charset=utf-8", INDEX_HTML.as_bytes()) }))
        .route("/mailbox", get(|| async { page("text/html; charset=utf-8", MAILBOX_HTML.as_bytes()) }))
        .route("/static/candour.css", get(|| async { page("text/css; charset=utf-8", CSS.as_bytes()) }))
        .route("/static/candour.js", get(|| async { page(JS, SCRIPT.as_bytes()) }))
        .route("/static/candour-module.js", get(|| async { page(JS, MODULE_GLUE.as_bytes()) }))
        .route("/static/candour-worker.js", get(|| async { page(JS, WORKER.as_bytes()) }))
        .route("/static/candour.wasm", get(|| async { page("application/wasm", WASM) }))
        // Browsers ask for an icon on every visit; an empty answer rather than an error.
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
}

fn page(content_type: &'static str, body: &'static [u8]) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // A shared or seized device's cache should not show that the page was visited.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    headers
        .insert(header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    response
}
