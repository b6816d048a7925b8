//! Who may use the desk: the one-time login link, the session cookie, the `Host` check, the
//! CSRF token on every form, and the headers every response carries.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use candour_l10n::{Language, Messages};
use maud::{html, Markup, DOCTYPE};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::forms::FormFields;
use super::language::{self, fill, Ui, SLOT};
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

/// A refusal page: how it is worded, and whether it offers the other language.
pub(crate) struct Plain<'a> {
    /// The page's messages.
    pub m: Messages,
    /// The heading.
    pub title: &'a str,
    /// What happened and what to do.
    pub text: Markup,
    /// Whether to offer the other language: a link to this address with `?lang=`, which only
    /// a page fetched with GET can follow.
    pub switch: bool,
}

/// A refusal or error page that needs no session (and so shows no CSRF token) and no CSS.
pub(crate) fn plain(status: StatusCode, page: Plain<'_>) -> Response {
    let Plain { m, title, text, switch } = page;
    let to = m.language().other();
    let body = html! {
        (DOCTYPE)
        html lang=(m.language().tag()) {
            head { meta charset="utf-8"; title { (m.format("desk-page-title", &[("title", title.into())])) } }
            body {
                h1 { (title) }
                p { (text) }
                @if switch {
                    p { a href={ "?lang=" (to.code()) } hreflang=(to.tag()) lang=(to.tag()) { (to.own_name()) } }
                }
            }
        }
    };
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.into_string()).into_response()
}

/// A refusal page whose text is one message.
fn refusal(status: StatusCode, m: Messages, switch: bool, title: &str, text: &str) -> Response {
    plain(status, Plain { m, title, text: html! { (text) }, switch })
}

/// A message naming the command that opens a new desk, with the command as code.
fn with_command(text: &str) -> Markup {
    fill(text, html! { code { "candour review desk" } })
}

fn not_signed_in(m: Messages, switch: bool) -> Response {
    let text = with_command(&m.format("desk-not-signed-in-text", &[("command", SLOT.into())]));
    plain(StatusCode::UNAUTHORIZED, Plain { m, title: &m.text("desk-not-signed-in"), text, switch })
}

/// `GET /login/{code}`: exchanges the one-time code for the session cookie. A language asked
/// for in the link (`?lang=cy`) becomes the session's.
pub(crate) async fn login(
    State(state): State<Arc<DeskState>>,
    Path(code): Path<String>,
    Extension(ui): Extension<Ui>,
    uri: Uri,
) -> Response {
    let m = ui.m;
    let Some(cookie) = state.gate.redeem(&code) else {
        let text = with_command(&m.format("desk-login-spent-text", &[("command", SLOT.into())]));
        return plain(StatusCode::FORBIDDEN, Plain { m, title: &m.text("desk-login-spent"), text, switch: true });
    };
    state.touch();
    if let Some(asked) = language::from_query(&uri) {
        state.choose_language(asked);
    }
    let set = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", cookie.as_str());
    match HeaderValue::from_str(&set) {
        Ok(value) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/")), (header::SET_COOKIE, value)])
                .into_response()
        }
        Err(_) => refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            m,
            false,
            &m.text("desk-login-failed"),
            &m.text("desk-login-failed-text"),
        ),
    }
}

/// Every request passes here first: right host, then (except the login link) the session
/// cookie, then for a POST the same-origin signals and the CSRF token. The parsed form is
/// handed to the handler as an extension, so no handler can skip the check.
///
/// Each request is given its [`Ui`]: before the session is known, only what the request
/// itself asks for (`?lang=`, the browser's languages); once it is, the session's choice first.
pub(crate) async fn guard(State(state): State<Arc<DeskState>>, mut request: Request, next: Next) -> Response {
    let gate = &state.gate;
    let browser = language::from_browser(request.headers());
    let asked = language::from_query(request.uri()).or(browser).unwrap_or(Language::English);
    let m = Messages::new(asked);
    let get = request.method() == Method::GET;
    if !gate.host_ok(&request) {
        return refusal(
            StatusCode::FORBIDDEN,
            m,
            get,
            &m.text("desk-wrong-address"),
            &m.text("desk-wrong-address-text"),
        );
    }
    let login =
        get && request.uri().path().strip_prefix("/login/").is_some_and(|code| !code.is_empty() && !code.contains('/'));
    if login {
        request.extensions_mut().insert(Ui { m, here: "/".to_owned() });
        return next.run(request).await;
    }
    if !gate.cookie_ok(request.headers()) {
        return not_signed_in(m, get);
    }
    let m = Messages::new(state.chosen_language().or(browser).unwrap_or(Language::English));
    let here = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let ui = Ui { m, here };
    match *request.method() {
        Method::GET | Method::HEAD => {
            state.touch();
            request.extensions_mut().insert(ui);
            next.run(request).await
        }
        Method::POST => {
            let refused = m.text("desk-refused");
            if !gate.same_origin(request.headers()) {
                return refusal(StatusCode::FORBIDDEN, m, false, &refused, &m.text("desk-refused-origin"));
            }
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
                let title = m.text("desk-too-large");
                return refusal(StatusCode::PAYLOAD_TOO_LARGE, m, false, &title, &m.text("desk-too-large-text"));
            };
            let form = FormFields::parse(&bytes);
            if !gate.csrf_ok(form.get("csrf")) {
                return refusal(StatusCode::FORBIDDEN, m, false, &refused, &m.text("desk-refused-csrf"));
            }
            let mut request = Request::from_parts(parts, Body::empty());
            request.extensions_mut().insert(form);
            request.extensions_mut().insert(ui);
            state.touch();
            next.run(request).await
        }
        _ => refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            m,
            false,
            &m.text("desk-not-allowed"),
            &m.text("desk-not-allowed-text"),
        ),
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
