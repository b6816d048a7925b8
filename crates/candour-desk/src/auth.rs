//! Who may use the desk: the one-time login link, the session cookie, the `Host` check, the
//! CSRF token on every form, and the headers every response carries.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{html, DOCTYPE};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::forms::FormFields;
use super::{lock, DeskState};

/// The session cookie's name.
pub(crate) const COOKIE: &str = "candour_desk";
/// No desk form comes near this (a reply, a summary); anything bigger is refused unread.
const MAX_FORM_BYTES: usize = 1 << 20;
/// The Content-Security-Policy of every response: no script at all, styles and images only
/// from the desk itself, forms only to the desk, never framed.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                              frame-ancestors 'none'; base-uri 'none'";

type Digest32 = [u8; 32];

fn digest(secret: &str) -> Digest32 {
    Sha256::digest(secret.as_bytes()).into()
}

/// Compares digests in constant time, so response timing says nothing about a secret.
fn matches(given: &str, expected: &Digest32) -> bool {
    bool::from(digest(given).ct_eq(expected))
}

/// 256 random bits from the operating system, as 64 hex digits.
fn random_secret() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut bytes[..]);
    Zeroizing::new(candour_core::wire::to_hex(&bytes[..]))
}

/// The desk's secrets and the one host name it answers to.
pub(crate) struct Gate {
    /// `address:port` as bound: the only `Host` accepted.
    host: String,
    /// The one-time login code's digest and the cookie value it is exchanged for, until used.
    login: Mutex<Option<(Digest32, Zeroizing<String>)>>,
    /// The session cookie's digest.
    session: Digest32,
    /// The CSRF token every form carries, and its digest.
    csrf: Zeroizing<String>,
    csrf_digest: Digest32,
}

impl Gate {
    /// New secrets for a desk answering to `host`; returns the gate and the login code.
    pub fn new(host: String) -> (Gate, String) {
        let code = random_secret();
        let cookie = random_secret();
        let csrf = random_secret();
        let gate = Gate {
            host,
            login: Mutex::new(Some((digest(&code), Zeroizing::new(cookie.to_string())))),
            session: digest(&cookie),
            csrf_digest: digest(&csrf),
            csrf,
        };
        (gate, code.to_string())
    }

    /// The token forms carry.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Exchanges the login code for the cookie value, once; a wrong code leaves the right one
    /// usable (it cannot be guessed).
    pub fn redeem(&self, code: &str) -> Option<Zeroizing<String>> {
        let mut login = lock(&self.login);
        let expected = login.as_ref().map(|(d, _)| *d)?;
        if matches(code, &expected) {
            login.take().map(|(_, cookie)| cookie)
        } else {
            None
        }
    }

    /// Whether the request is addressed to the bound address itself: a page on another origin
    /// that rebinds its DNS name to 127.0.0.1 still sends its own name.
    fn host_ok(&self, request: &Request) -> bool {
        let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
        let authority = request.uri().authority().map(|a| a.as_str());
        host.is_some_and(|h| h == self.host) && authority.is_none_or(|a| a == self.host)
    }

    /// Whether the request carries the session cookie.
    fn cookie_ok(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && matches(value, &self.session))
    }

    /// Whether a POST comes from the desk's own pages, as far as the browser says. Under
    /// `Referrer-Policy: no-referrer` browsers send `Origin: null` even for the desk's own
    /// forms, so that says nothing; `Sec-Fetch-Site` still does, and the CSRF token decides.
    fn same_origin(&self, headers: &HeaderMap) -> bool {
        let own = format!("http://{}", self.host);
        let origin = headers.get(header::ORIGIN).map(|o| o.to_str().is_ok_and(|o| o == "null" || o == own));
        let site = headers.get("sec-fetch-site").map(|s| s.as_bytes() == b"same-origin");
        origin.unwrap_or(true) && site.unwrap_or(true)
    }

    fn csrf_ok(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| matches(t, &self.csrf_digest))
    }
}

/// A refusal or error page that needs no session (and so shows no CSRF token) and no CSS.
pub(crate) fn plain(status: StatusCode, title: &str, text: &str) -> Response {
    let body = html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (title) " · Candour desk" } }
            body { h1 { (title) } p { (text) } }
        }
    };
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.into_string()).into_response()
}

fn not_signed_in() -> Response {
    plain(
        StatusCode::UNAUTHORIZED,
        "Not signed in",
        "This desk only answers the browser that opened its one-time login link. Run `candour review desk` \
         for a new link.",
    )
}

/// `GET /login/{code}`: exchanges the one-time code for the session cookie.
pub(crate) async fn login(State(state): State<Arc<DeskState>>, Path(code): Path<String>) -> Response {
    let Some(cookie) = state.gate.redeem(&code) else {
        return plain(
            StatusCode::FORBIDDEN,
            "Login link not valid",
            "Each login link works once. If this browser is already signed in, go to the inbox at /; otherwise \
             close the desk and run `candour review desk` again.",
        );
    };
    state.touch();
    let set = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", cookie.as_str());
    match HeaderValue::from_str(&set) {
        Ok(value) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/")), (header::SET_COOKIE, value)])
                .into_response()
        }
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "Login failed", "The session cookie could not be set."),
    }
}

/// Every request passes here first: right host, then (except the login link) the session
/// cookie, then for a POST the same-origin signals and the CSRF token. The parsed form is
/// handed to the handler as an extension, so no handler can skip the check.
pub(crate) async fn guard(State(state): State<Arc<DeskState>>, request: Request, next: Next) -> Response {
    let gate = &state.gate;
    if !gate.host_ok(&request) {
        return plain(
            StatusCode::FORBIDDEN,
            "Wrong address",
            "The desk answers only at the address in its login link.",
        );
    }
    let login = request.method() == Method::GET
        && request.uri().path().strip_prefix("/login/").is_some_and(|code| !code.is_empty() && !code.contains('/'));
    if login {
        return next.run(request).await;
    }
    if !gate.cookie_ok(request.headers()) {
        return not_signed_in();
    }
    match *request.method() {
        Method::GET | Method::HEAD => {
            state.touch();
            next.run(request).await
        }
        Method::POST => {
            if !gate.same_origin(request.headers()) {
                return plain(StatusCode::FORBIDDEN, "Refused", "This form did not come from the desk's own pages.");
            }
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
                return plain(StatusCode::PAYLOAD_TOO_LARGE, "Too large", "The form is too large to record.");
            };
            let form = FormFields::parse(&bytes);
            if !gate.csrf_ok(form.get("csrf")) {
                return plain(
                    StatusCode::FORBIDDEN,
                    "Refused",
                    "This form is not from this desk session: reload the page and try again.",
                );
            }
            let mut request = Request::from_parts(parts, Body::empty());
            request.extensions_mut().insert(form);
            state.touch();
            next.run(request).await
        }
        _ => plain(StatusCode::METHOD_NOT_ALLOWED, "Not allowed", "The desk only takes GET and POST."),
    }
}

/// Adds the security headers to every response, refusals included.
pub(crate) async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    response
}
