//! The reporter's pages: the report form and the mailbox, built from the files under `web/`.
//!
//! One set of files serves three ways (README "Where the page comes from"):
//! - **Hosted apart from the relay**: `candour page build` writes them as a static bundle for
//!   another origin (the PCC's website, an auditor's host), naming the relay they talk to, with
//!   a manifest of every file's SHA-256 for the organisation's roots to sign.
//! - **Kept by the reporter**: two single files (`candour-report.html`, `candour-mailbox.html`)
//!   with everything inline, opened from disk.
//! - **Served by the relay** itself (small deployments): the same pages, talking to their own
//!   origin. Then the relay's operator decides what the page is; see the README.
//!
//! Every HTML file carries its Content-Security-Policy, the relay it may connect to, and the
//! SHA-256 of the module and of the module glue its worker runs; its script, glue and stylesheet
//! are pinned by integrity attributes (or, in the kept files, by the policy's hashes). So every
//! part of a page follows from its HTML, and the HTML is what `candour page verify` checks
//! against the signed manifest. No third-party resource, no cookie, no inline script outside the
//! kept files; sealing happens in the module, in the browser.

use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use candour_core::page_manifest::{PageManifest, MANIFEST_FORMAT};
use candour_core::wire::Sha256Hex;
use candour_l10n::{Language, Messages};
use sha2::{Digest, Sha256, Sha384};

/// The reporter page, before [`site`] fills in its head.
pub const INDEX_TEMPLATE: &str = include_str!("../../candour-web/page/index.html");
/// The mailbox page, before [`site`] fills in its head.
pub const MAILBOX_TEMPLATE: &str = include_str!("../../candour-web/page/mailbox.html");
/// The stylesheet both pages share.
pub const CSS: &str = include_str!("../../candour-web/page/candour.css");
/// The page script: the form and the HTTP calls.
pub const SCRIPT: &str = include_str!("../../candour-web/page/candour.js");
/// The glue to the WebAssembly module, shared by the page and its worker.
pub const MODULE_GLUE: &str = include_str!("../../candour-web/page/candour-module.js");
/// The sealing module, `candour-web` built for wasm32-unknown-unknown.
pub const WASM: &[u8] = include_bytes!("../../candour-web/page/candour.wasm");
/// The same module as JavaScript (Binaryen's wasm2js, for browsers without WebAssembly),
/// gzipped as `scripts/build-web.sh` stores it.
pub const WASM_JS_GZIP: &[u8] = include_bytes!("../../candour-web/page/candour-wasm.js.gz");

/// The JavaScript build of the module, unpacked once. Empty if the embedded copy were damaged:
/// then its hash matches nothing and pages without WebAssembly refuse, as they should.
pub fn wasm_js() -> &'static [u8] {
    static UNPACKED: OnceLock<Vec<u8>> = OnceLock::new();
    UNPACKED.get_or_init(|| {
        let mut out = Vec::new();
        let mut reader = flate2::read::GzDecoder::new(WASM_JS_GZIP);
        match std::io::Read::read_to_end(&mut reader, &mut out) {
            Ok(_) => out,
            Err(_) => Vec::new(),
        }
    })
}

/// The line of each template that [`site`] and [`kept`] replace.
const HEAD_MARKER: &str = "<!-- candour:head";
/// The script's one import, which the kept files inline instead.
const GLUE_IMPORT: &str = "import { CandourError, OP, SealingModule } from \"./candour-module.js\";\n";

/// One file of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageFile {
    /// Its path from the bundle's root, e.g. `/index.html`.
    pub path: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    /// Borrowed when it is one of the build's own parts, so the relay keeps one copy of each.
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

/// Why a page could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The relay address is not an origin the page can name.
    #[error("{0:?} is not a relay origin: give scheme, host and port only, e.g. https://relay.example.org")]
    RelayOrigin(String),
    /// A template lost the line where its head goes, or the script its import.
    #[error("the page's source files are not as this build expects: {0}")]
    Template(&'static str),
    /// A template names a message that no language has (crates/candour-l10n).
    #[error("the page names the message {0:?}, which crates/candour-l10n does not have")]
    Message(String),
}

impl PageError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            PageError::RelayOrigin(_) => "page-relay-origin",
            PageError::Template(_) => "page-template",
            PageError::Message(_) => "page-message",
        }
    }
}

/// The relay address as the page names it: `scheme://host[:port]`, http or https, nothing that
/// could break out of an HTML attribute or a policy.
pub fn relay_origin(address: &str) -> Result<String, PageError> {
    let bad = || PageError::RelayOrigin(address.to_owned());
    let trimmed = address.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")).ok_or_else(bad)?;
    let plain = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !plain || rest.starts_with(':') {
        return Err(bad());
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// The policy of a hosted page that talks to `relay` (`None`: its own origin). The module may
/// be compiled (`wasm-unsafe-eval` allows WebAssembly, not `eval`); the worker starts from the
/// checked glue as a `blob:`; forms cannot post anywhere.
pub fn hosted_policy(relay: Option<&str>) -> String {
    let relay = relay.map(|r| format!(" {r}")).unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src blob:; style-src 'self'; \
         img-src 'self' blob:; connect-src 'self'{relay}; form-action 'none'; base-uri 'none'"
    )
}

/// What the relay sends with its own pages: the hosted policy, and no framing (which a policy
/// inside the page cannot forbid).
pub fn relay_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| format!("{}; frame-ancestors 'none'", hosted_policy(None)))
}

fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", B64.encode(Sha384::digest(bytes)))
}

fn sha256(bytes: &[u8]) -> Sha256Hex {
    Sha256Hex(Sha256::digest(bytes).into())
}

fn integrity_meta() -> String {
    format!(
        "<meta name=\"candour-integrity\" content=\"wasm={} wasmjs={} glue={}\">\n",
        sha256(WASM),
        sha256(wasm_js()),
        sha256(MODULE_GLUE.as_bytes())
    )
}

fn relay_meta(relay: Option<&str>) -> String {
    relay.map(|r| format!("<meta name=\"candour-relay\" content=\"{r}\">\n")).unwrap_or_default()
}

/// `template` with its head line replaced by `head`.
fn with_head(template: &str, head: &str) -> Result<String, PageError> {
    let start = template.find(HEAD_MARKER).ok_or(PageError::Template("a page lost its candour:head line"))?;
    let end = template[start..].find("-->\n").ok_or(PageError::Template("the candour:head line is not closed"))?;
    Ok(format!("{}{head}{}", &template[..start], &template[start + end + 4..]))
}

/// The two pages a reporter meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Report,
    Mailbox,
}

impl Page {
    fn template(self) -> &'static str {
        match self {
            Page::Report => INDEX_TEMPLATE,
            Page::Mailbox => MAILBOX_TEMPLATE,
        }
    }

    /// Its file: `index.html` or `mailbox.html` hosted, `candour-report.html` or
    /// `candour-mailbox.html` kept; Welsh adds `.cy` before `.html`.
    fn file(self, language: Language, kept: bool) -> &'static str {
        &self.path(language, kept)[1..]
    }

    /// Its path from the bundle's root: `/` and its file.
    fn path(self, language: Language, kept: bool) -> &'static str {
        match (self, kept, language) {
            (Page::Report, false, Language::English) => "/index.html",
            (Page::Report, false, Language::Welsh) => "/index.cy.html",
            (Page::Mailbox, false, Language::English) => "/mailbox.html",
            (Page::Mailbox, false, Language::Welsh) => "/mailbox.cy.html",
            (Page::Report, true, Language::English) => "/candour-report.html",
            (Page::Report, true, Language::Welsh) => "/candour-report.cy.html",
            (Page::Mailbox, true, Language::English) => "/candour-mailbox.html",
            (Page::Mailbox, true, Language::Welsh) => "/candour-mailbox.cy.html",
        }
    }
}

/// Text as HTML: escaped, except the `<strong>` and `<code>` a message may hold for emphasis.
fn message_html(text: &str) -> String {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    ["strong", "code"].iter().fold(escaped, |html, tag| {
        html.replace(&format!("&lt;{tag}&gt;"), &format!("<{tag}>"))
            .replace(&format!("&lt;/{tag}&gt;"), &format!("</{tag}>"))
    })
}

/// `page` in `language`: every `{{message-id}}` replaced by its message, `{{@lang}}` by the
/// language's tag, `{{@switch}}` by the link to the same page in the other language, and the
/// links between the pages pointed at this language's files.
fn localized(page: Page, language: Language, kept: bool) -> Result<String, PageError> {
    let messages = Messages::new(language);
    let template = page
        .template()
        .replace("href=\"mailbox.html\"", &format!("href=\"{}\"", Page::Mailbox.file(language, kept)))
        .replace("href=\"index.html\"", &format!("href=\"{}\"", Page::Report.file(language, kept)));
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(PageError::Template("a {{ in a page is not closed"))?;
        let id = &after[..end];
        match id {
            "@lang" => out.push_str(language.tag()),
            "@switch" => {
                let other = language.other();
                // The reader's own choice, which the script's choice by browser language keeps.
                let chosen = if other == Language::English { "?lang=en" } else { "" };
                out.push_str(&format!(
                    "<p class=\"language\"><a href=\"{}{chosen}\" data-page data-language-switch lang=\"{tag}\" \
                     hreflang=\"{tag}\">{}</a></p>",
                    page.file(other, kept),
                    other.own_name(),
                    tag = other.tag(),
                ));
            }
            _ if Messages::new(Language::English).has(id) => out.push_str(&message_html(&messages.text(id))),
            _ => return Err(PageError::Message(id.to_owned())),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The messages the page script shows, in `language`, as a data block the script reads (never
/// run). Each is formatted without its arguments, so each variable stays a `{$name}` slot
/// that `candour.js` fills; `<` is escaped so no message can close the block.
fn messages_block(language: Language) -> String {
    let messages = Messages::new(language);
    let shown_by_script = |id: &&str| ["js-", "category-", "concerning-"].iter().any(|p| id.starts_with(p));
    let catalogue: std::collections::BTreeMap<&str, String> =
        Messages::new(Language::English).ids().filter(shown_by_script).map(|id| (id, messages.text(id))).collect();
    let json = serde_json::to_string(&catalogue).unwrap_or_else(|_| "{}".to_owned()).replace('<', "\\u003c");
    format!("<script type=\"application/json\" id=\"candour-messages\">{json}</script>\n")
}

/// The hosted pages and their parts, talking to `relay` (`None`: the origin serving them).
pub fn site(relay: Option<&str>) -> Result<Vec<PageFile>, PageError> {
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n{}{}\
         <link rel=\"stylesheet\" href=\"static/candour.css\" integrity=\"{}\">\n\
         <link rel=\"modulepreload\" href=\"static/candour-module.js\" integrity=\"{}\">\n\
         <script type=\"module\" src=\"static/candour.js\" integrity=\"{}\"></script>\n",
        hosted_policy(relay),
        relay_meta(relay),
        integrity_meta(),
        sri(CSS.as_bytes()),
        sri(MODULE_GLUE.as_bytes()),
        sri(SCRIPT.as_bytes()),
    );
    const HTML: &str = "text/html; charset=utf-8";
    const JS: &str = "text/javascript; charset=utf-8";
    let mut files = Vec::new();
    for language in Language::ALL {
        let head = format!("{head}{}", messages_block(language));
        for page in [Page::Report, Page::Mailbox] {
            let bytes = with_head(&localized(page, language, false)?, &head)?.into_bytes().into();
            files.push(PageFile { path: page.path(language, false), content_type: HTML, bytes });
        }
    }
    files.extend([
        PageFile { path: "/static/candour.css", content_type: "text/css; charset=utf-8", bytes: CSS.as_bytes().into() },
        PageFile { path: "/static/candour.js", content_type: JS, bytes: SCRIPT.as_bytes().into() },
        PageFile { path: "/static/candour-module.js", content_type: JS, bytes: MODULE_GLUE.as_bytes().into() },
        PageFile { path: "/static/candour.wasm", content_type: "application/wasm", bytes: WASM.into() },
        PageFile { path: "/static/candour-wasm.js", content_type: JS, bytes: wasm_js().into() },
    ]);
    Ok(files)
}

/// The kept single files, talking to `relay`, and the policy both carry. Everything is
/// inline: the stylesheet and the script (allowed by their hashes in the policy), the module as
/// base64 and the glue as text in data blocks (never run as they are: the script checks their
/// hashes, then compiles the module and starts the worker from the glue).
pub fn kept(relay: &str) -> Result<(Vec<PageFile>, String), PageError> {
    if MODULE_GLUE.contains("</") || CSS.contains("</") || SCRIPT.contains("</script") {
        return Err(PageError::Template("an inlined part contains a closing tag"));
    }
    let script = SCRIPT.replacen(GLUE_IMPORT, "", 1);
    if script.len() == SCRIPT.len() {
        return Err(PageError::Template("the page script no longer imports the glue as expected"));
    }
    let inline_script = format!("{MODULE_GLUE}\n{script}");
    let csp_hash = |text: &str| format!("'sha256-{}'", B64.encode(Sha256::digest(text.as_bytes())));
    let policy = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; worker-src blob:; style-src {}; img-src blob:; \
         connect-src {relay}; form-action 'none'; base-uri 'none'",
        csp_hash(&inline_script),
        csp_hash(CSS),
    );
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n{}{}<style>{CSS}</style>\n\
         <script type=\"application/octet-stream\" id=\"candour-wasm\">{}</script>\n\
         <script type=\"text/plain\" id=\"candour-glue\">{MODULE_GLUE}</script>\n\
         <script type=\"module\">{inline_script}</script>\n",
        relay_meta(Some(relay)),
        integrity_meta(),
        B64.encode(WASM),
    );
    let mut files = Vec::new();
    for language in Language::ALL {
        let head = format!("{head}{}", messages_block(language));
        for page in [Page::Report, Page::Mailbox] {
            let bytes = with_head(&localized(page, language, true)?, &head)?.into_bytes().into();
            files.push(PageFile { path: page.path(language, true), content_type: "text/html; charset=utf-8", bytes });
        }
    }
    Ok((files, policy))
}

/// The whole bundle for a page hosted apart from `relay`: the hosted pages, the kept files, and
/// the unsigned manifest of them all. The same relay and build give the same bytes, always.
pub fn bundle(relay: &str, app_version: &str) -> Result<(Vec<PageFile>, PageManifest), PageError> {
    let relay = relay_origin(relay)?;
    let mut files = site(Some(&relay))?;
    let (kept_files, kept_policy) = kept(&relay)?;
    let extra_csp = kept_files.iter().map(|f| (f.path.to_owned(), kept_policy.clone())).collect();
    files.extend(kept_files);
    let manifest = PageManifest {
        format: MANIFEST_FORMAT.into(),
        app_name: "candour".into(),
        app_version: app_version.into(),
        relay: relay.clone(),
        default_csp: hosted_policy(Some(&relay)),
        extra_csp,
        files: files.iter().map(|f| (f.path.to_owned(), sha256(&f.bytes))).collect(),
        wasm: vec![sha256(WASM)],
    };
    Ok((files, manifest))
}

/// The relay's own copy of the hosted pages (talking to their own origin), built once.
fn served() -> &'static [PageFile] {
    static SITE: OnceLock<Vec<PageFile>> = OnceLock::new();
    // The templates are compiled in and checked by the tests, so this cannot fail in a build
    // that passed them; if it did, the relay would serve no page rather than a broken one.
    SITE.get_or_init(|| site(None).unwrap_or_default())
}

/// The page routes, merged into the relay's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new();
    for (index, file) in served().iter().enumerate() {
        if file.path == "/static/candour-wasm.js" {
            continue;
        }
        let handler = move || async move { page(&served()[index]) };
        router = router.route(file.path, get(handler));
    }
    // 14 MB as JavaScript, 1.6 MB gzipped: sent as stored to every browser that accepts gzip
    // (all do; it matters over Tor), unpacked for any other.
    router = router.route(
        "/static/candour-wasm.js",
        get(|headers: axum::http::HeaderMap| async move {
            let gzip = headers
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
            let mut response =
                page_bytes("text/javascript; charset=utf-8", if gzip { WASM_JS_GZIP } else { wasm_js() });
            if gzip {
                response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            response
        }),
    );
    // The addresses the relay has always had, `/` and `/mailbox`, answer in the language the
    // browser asks for first (each page also links to the other language's own file).
    for (address, page_kind) in [("/", Page::Report), ("/mailbox", Page::Mailbox)] {
        let handler = move |headers: axum::http::HeaderMap| async move {
            let language = headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
                .unwrap_or(Language::English);
            let path = page_kind.path(language, false);
            match served().iter().find(|f| f.path == path) {
                Some(file) => {
                    let mut response = page(file);
                    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-language"));
                    response
                }
                None => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        };
        router = router.route(address, get(handler));
    }
    // Browsers ask for an icon on every visit; an empty answer rather than an error.
    router.route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
}

fn page(file: &'static PageFile) -> Response {
    let bytes: &'static [u8] = &file.bytes;
    page_bytes(file.content_type, bytes)
}

/// `bytes` as `content_type`, with every page's protections.
fn page_bytes(content_type: &'static str, bytes: &'static [u8]) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(policy) = HeaderValue::from_str(relay_policy()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_builds_and_names_its_parts() {
        let files = site(None).expect("site");
        for html in files.iter().filter(|f| f.path.ends_with(".html")) {
            let text = std::str::from_utf8(&html.bytes).expect("utf-8");
            assert!(!text.contains(HEAD_MARKER), "{}", html.path);
            assert!(text.contains(&sri(SCRIPT.as_bytes())) && text.contains(&sha256(WASM).to_string()));
        }
        let (kept, _) = kept("https://relay.example").expect("kept");
        let report = std::str::from_utf8(&kept[0].bytes).expect("utf-8");
        assert!(report.contains("href=\"candour-mailbox.html\"") && !report.contains("static/"));
        assert!(!report.contains(GLUE_IMPORT.trim_end()), "the kept file imports nothing");
    }

    #[test]
    fn every_page_is_built_in_english_and_welsh() {
        let files = site(None).expect("site");
        let (kept, _) = kept("https://relay.example").expect("kept");
        let text = |path: &str| {
            let file = files.iter().chain(&kept).find(|f| f.path == path).unwrap_or_else(|| panic!("{path}"));
            String::from_utf8(file.bytes.to_vec()).expect("utf-8")
        };
        for (english, welsh) in [
            ("/index.html", "/index.cy.html"),
            ("/mailbox.html", "/mailbox.cy.html"),
            ("/candour-report.html", "/candour-report.cy.html"),
            ("/candour-mailbox.html", "/candour-mailbox.cy.html"),
        ] {
            let (en, cy) = (text(english), text(welsh));
            assert!(en.contains("<html lang=\"en-GB\">") && cy.contains("<html lang=\"cy\">"), "{welsh}");
            assert!(!en.contains("{{") && !cy.contains("{{"), "every slot filled: {welsh}");
            // What the reader sees (the kept files' inline script mentions the English words).
            let body = |html: &str| html.split("<body>").nth(1).unwrap_or_default().to_owned();
            let (en_body, cy_body) = (body(&en), body(&cy));
            assert!(cy_body.contains("Gadael y wefan hon") && !cy_body.contains("Leave this site"), "{welsh}");
            assert!(en_body.contains("Leave this site") && !en_body.contains("Gadael y wefan hon"), "{english}");
            // Each links to its twin, and its links stay in its language.
            assert!(en.contains(&format!("href=\"{}\" data-page data-language-switch", &welsh[1..])), "{english}");
            assert!(
                cy.contains(&format!("href=\"{}?lang=en\" data-page data-language-switch", &english[1..])),
                "{welsh}"
            );
            assert!(!cy.contains("href=\"mailbox.html\"") && !cy.contains("href=\"candour-mailbox.html\""), "{welsh}");
            // The script's catalogue is in the page's language, and nothing in it can close its block.
            let block =
                cy.split("id=\"candour-messages\">").nth(1).and_then(|b| b.split("</script>").next()).expect("block");
            let catalogue: std::collections::BTreeMap<String, String> = serde_json::from_str(block).expect("json");
            assert_eq!(catalogue["js-report-sent"], "Adroddiad wedi'i anfon.");
            assert!(catalogue["js-leave-out"].contains("{$name}"), "slots stay for the script");
        }
    }

    #[test]
    fn message_markup_is_escaped_but_emphasis() {
        assert_eq!(message_html("<strong>a</strong> & <script>\""), "<strong>a</strong> &amp; &lt;script&gt;&quot;");
    }

    #[test]
    fn relay_origins_are_plain() {
        assert_eq!(relay_origin("https://Relay.Example:8443/").as_deref(), Ok("https://relay.example:8443"));
        assert_eq!(relay_origin("http://127.0.0.1:9").as_deref(), Ok("http://127.0.0.1:9"));
        for bad in [
            "relay.example",
            "https://relay.example/path",
            "https://a\" onload=\"x",
            "ftp://x",
            "https://",
            "https://a b",
        ] {
            assert_eq!(relay_origin(bad).expect_err(bad).code(), "page-relay-origin", "{bad}");
        }
    }

    #[test]
    fn the_page_may_send_the_proof_of_work_across_origins() {
        assert!(crate::api::PAGE_REQUEST_HEADERS.split(", ").any(|h| h == candour_core::pow::HEADER));
    }
}
