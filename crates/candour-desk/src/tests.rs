//! The desk's gate, driven through the router without a socket (and, for binding and the idle
//! timeout, on a real loopback socket). The session is psd-1's from the example organisation,
//! with an empty cache and a relay that is never contacted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use age::secrecy::SecretString;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use candour_core::directory::TrustPolicy;
use candour_core::keys::SecretKeyFile;
use candour_core::Day;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

use super::{check_loopback, routes, Desk, DeskError, DeskOptions, DeskState, Stopped};
use candour_review::client::ReviewClient;
use candour_review::ReviewSession;

const HOST: &str = "127.0.0.1:4000";

fn keys() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example")
}

fn session(cache_dir: &Path) -> ReviewSession {
    let root = std::fs::read_to_string(keys().join("root.pub")).expect("root.pub");
    let policy = TrustPolicy {
        roots: vec![root.trim().parse().expect("root")],
        threshold: 1,
        min_version: 0,
        // A fixed day inside the committed directory's validity: these tests never meet a
        // relay, so nothing else reads the clock against it.
        today: Day::from_ymd(2026, 12, 1).expect("day"),
    };
    let served = std::fs::read(keys().join("directory.json")).expect("directory");
    let dir = candour_core::directory::verify(&served, &policy).expect("verifies");
    let file = std::fs::read(keys().join("reviewers/psd-1.key")).expect("key file");
    let pass = SecretString::from("candour-example-only".to_owned());
    let SecretKeyFile::Reviewer(secret) = SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") else {
        panic!("psd-1.key is not a reviewer key");
    };
    // Port 9 (discard) on loopback: nothing these tests do reaches the relay.
    let client = ReviewClient::new("http://127.0.0.1:9", None).expect("client");
    ReviewSession::open(secret, dir, client, &cache_dir.join("psd-1.cache")).expect("session")
}

struct TestDesk {
    router: Router,
    state: Arc<DeskState>,
    code: String,
    _tmp: tempfile::TempDir,
}

fn desk() -> TestDesk {
    let tmp = tempfile::tempdir().expect("tmp");
    let options = DeskOptions::new(tmp.path().join("saved"));
    let (state, code) = DeskState::new(session(tmp.path()), options, HOST.to_owned());
    TestDesk { router: routes::router(Arc::clone(&state)), state, code, _tmp: tmp }
}

impl TestDesk {
    async fn send(&self, request: Request<Body>) -> Response {
        self.router.clone().oneshot(request).await.expect("the router never fails")
    }

    /// Signs in with the login code; returns the `Cookie` header value.
    async fn login(&self) -> String {
        let response = self.send(get(&format!("/login/{}", self.code), None)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let set = response.headers().get(header::SET_COOKIE).expect("cookie set").to_str().expect("ascii");
        set.split(';').next().expect("name=value").to_owned()
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::get(path).header(header::HOST, HOST);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::empty()).expect("request")
}

fn post(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

async fn text(response: Response) -> String {
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn assert_hardened(response: &Response) {
    let h = response.headers();
    // The literal policy, not the constant it is built from: a loosened constant fails here.
    assert_eq!(
        h.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()),
        Some(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'"
        )
    );
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).and_then(|v| v.to_str().ok()), Some("nosniff"));
    assert_eq!(h.get(header::REFERRER_POLICY).and_then(|v| v.to_str().ok()), Some("no-referrer"));
    assert_eq!(h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
}

#[test]
fn only_loopback_addresses_are_accepted() {
    for refused in
        ["0.0.0.0:0", "192.168.1.10:8080", "10.0.0.1:0", "[::]:0", "[2001:db8::1]:80", "[::ffff:127.0.0.1]:0"]
    {
        let addr: SocketAddr = refused.parse().expect("address");
        let err = check_loopback(addr).expect_err(refused);
        assert_eq!(err.code(), "not-loopback", "{refused}");
    }
    for accepted in ["127.0.0.1:0", "127.0.0.1:8443", "127.1.2.3:0", "[::1]:0"] {
        check_loopback(accepted.parse().expect("address")).expect(accepted);
    }
}

#[tokio::test]
async fn bind_refuses_the_network_and_serves_loopback_until_idle() {
    let tmp = tempfile::tempdir().expect("tmp");
    let options = DeskOptions { idle_timeout: Duration::from_millis(300), ..DeskOptions::new(tmp.path().join("s")) };
    let wildcard: SocketAddr = "0.0.0.0:0".parse().expect("address");
    match Desk::bind(wildcard, session(tmp.path()), options.clone()).await {
        Err(e @ DeskError::NotLoopback(_)) => assert_eq!(e.code(), "not-loopback"),
        other => panic!("0.0.0.0 must be refused, got {other:?}"),
    }
    let desk = Desk::bind("127.0.0.1:0".parse().expect("address"), session(tmp.path()), options).await.expect("binds");
    let addr = desk.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let url = desk.login_url().to_owned();
    let code = url.strip_prefix(&format!("http://{addr}/login/")).expect("login URL on the bound address");
    assert_eq!(code.len(), 64, "256 bits in hex");
    assert!(!format!("{desk:?}").contains(code), "Debug must not show the login code");
    let stopped = tokio::time::timeout(Duration::from_secs(10), desk.serve(std::future::pending()))
        .await
        .expect("stops when idle");
    assert_eq!(stopped.expect("serves"), Stopped::Idle);
}

#[tokio::test]
async fn nothing_is_served_without_the_session_cookie() {
    let d = desk();
    for path in ["/", "/desk.css", "/stats", "/overdue", "/case/abcd", "/no-such-page", "/login/"] {
        let response = d.send(get(path, None)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_hardened(&response);
        let body = text(response).await;
        assert!(!body.contains(d.state.gate.csrf()), "a refusal must not show the CSRF token");
    }
    let forged = "candour_desk=0000000000000000000000000000000000000000000000000000000000000000";
    assert_eq!(d.send(get("/", Some(forged))).await.status(), StatusCode::UNAUTHORIZED);
    let post = d.send(post("/close", forged, &format!("csrf={}", d.state.gate.csrf()))).await;
    assert_eq!(post.status(), StatusCode::UNAUTHORIZED, "the CSRF token alone is not a session");
}

#[tokio::test]
async fn the_login_link_works_once() {
    let d = desk();
    let wrong = d.send(get(&format!("/login/{}", "0".repeat(64)), None)).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(wrong.headers().get(header::SET_COOKIE).is_none());
    // A wrong code does not burn the right one.
    let response = d.send(get(&format!("/login/{}", d.code), None)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"));
    let set = response.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie").to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.split("; ").any(|a| a == attribute), "{attribute} missing from {set}");
    }
    let cookie = set.split(';').next().expect("pair").to_owned();
    assert_eq!(cookie.len(), "candour_desk=".len() + 64);
    let again = d.send(get(&format!("/login/{}", d.code), None)).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN, "the code is spent");
    assert!(again.headers().get(header::SET_COOKIE).is_none());

    let inbox = d.send(get("/", Some(&cookie))).await;
    assert_eq!(inbox.status(), StatusCode::OK);
    assert_hardened(&inbox);
    let body = text(inbox).await;
    assert!(body.contains("<h1>Inbox</h1>") && body.contains("0 of 0 cases"), "{body}");
    assert!(!body.contains("<script"), "the desk runs no script");
    let css = d.send(get("/desk.css", Some(&cookie))).await;
    assert_eq!(css.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn only_the_bound_host_is_answered() {
    let d = desk();
    let cookie = d.login().await;
    for host in ["evil.example:4000", "localhost:4000", "127.0.0.1:4001", "127.0.0.1"] {
        let request = Request::get("/")
            .header(header::HOST, host)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("r");
        let response = d.send(request).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{host}");
        assert_hardened(&response);
    }
    let no_host = Request::get("/").header(header::COOKIE, &cookie).body(Body::empty()).expect("request");
    assert_eq!(d.send(no_host).await.status(), StatusCode::FORBIDDEN);
    // A login link replayed through a rebinding name is refused before the code is looked at.
    let rebound = Request::get(format!("/login/{}", d.code))
        .header(header::HOST, "evil.example:4000")
        .body(Body::empty())
        .expect("request");
    assert_eq!(d.send(rebound).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_post_needs_the_csrf_token_and_the_same_origin() {
    let d = desk();
    let cookie = d.login().await;
    let csrf = d.state.gate.csrf().to_owned();
    for body in ["".to_owned(), "csrf=".to_owned(), format!("csrf={}", "f".repeat(64)), format!("x=1&csrf={csrf}x")] {
        let response = d.send(post("/close", &cookie, &body)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{body}");
    }
    let mut cross = post("/close", &cookie, &format!("csrf={csrf}"));
    cross.headers_mut().insert(header::ORIGIN, "http://evil.example".parse().expect("origin"));
    assert_eq!(d.send(cross).await.status(), StatusCode::FORBIDDEN);
    let mut cross = post("/close", &cookie, &format!("csrf={csrf}"));
    cross.headers_mut().insert("sec-fetch-site", "cross-site".parse().expect("value"));
    assert_eq!(d.send(cross).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(*d.state.stop.borrow(), None, "no refused form may act");

    let put = Request::put("/close").header(header::HOST, HOST).header(header::COOKIE, &cookie).body(Body::empty());
    assert_eq!(d.send(put.expect("request")).await.status(), StatusCode::METHOD_NOT_ALLOWED);

    let mut same = post("/close", &cookie, &format!("csrf={csrf}"));
    same.headers_mut().insert(header::ORIGIN, format!("http://{HOST}").parse().expect("origin"));
    same.headers_mut().insert("sec-fetch-site", "same-origin".parse().expect("value"));
    let response = d.send(same).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(text(response).await.contains("Desk closed"));
    assert_eq!(*d.state.stop.borrow(), Some(Stopped::Closed));
}

#[tokio::test]
async fn a_form_for_an_unknown_case_says_so_on_the_next_page() {
    let d = desk();
    let cookie = d.login().await;
    let csrf = d.state.gate.csrf().to_owned();
    let response = d.send(post("/case/abcdef0123/note", &cookie, &format!("csrf={csrf}&note=hello"))).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).expect("location").to_owned();
    assert_eq!(back, "/case/abcdef0123");
    let page = d.send(get(&back, Some(&cookie))).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let body = text(page).await;
    assert!(body.contains("Not recorded: no case abcdef0123"), "{body}");
    assert!(body.contains("role=\"alert\""));
    let inbox = text(d.send(get("/", Some(&cookie))).await).await;
    assert!(!inbox.contains("Not recorded"), "a message is shown once");
}

/// A GET with the browser's `Accept-Language`.
fn get_in(path: &str, cookie: Option<&str>, accept_language: &str) -> Request<Body> {
    let mut r = get(path, cookie);
    r.headers_mut().insert(header::ACCEPT_LANGUAGE, accept_language.parse().expect("header"));
    r
}

/// What every page in Welsh must hold, and must not: the `lang` attribute, no English of the
/// frame, and no message missing from the catalogue.
fn assert_welsh(body: &str, english: &[&str]) {
    assert!(body.contains("<html lang=\"cy\">"), "{body}");
    assert!(!body.contains("[desk-") && !body.contains("[category-"), "a message is missing: {body}");
    for words in english {
        assert!(!body.contains(words), "English {words:?} on a Welsh page: {body}");
    }
}

#[tokio::test]
async fn english_is_the_default_and_the_browser_can_ask_for_welsh() {
    let d = desk();
    let cookie = d.login().await;
    let english = text(d.send(get("/", Some(&cookie))).await).await;
    assert!(english.contains("<html lang=\"en-GB\">") && english.contains("<h1>Inbox</h1>"), "{english}");
    assert!(!english.contains("Mewnflwch"), "{english}");
    let french = text(d.send(get_in("/", Some(&cookie), "fr-FR,fr;q=0.9")).await).await;
    assert!(french.contains("<h1>Inbox</h1>"), "English for a language the desk does not have");

    let inbox = text(d.send(get_in("/", Some(&cookie), "cy-GB,cy;q=0.9,en;q=0.5")).await).await;
    assert_welsh(&inbox, &["<h1>Inbox</h1>", "Sync now", "Close desk", "Statistics", "cases, as of"]);
    assert!(inbox.contains("<h1>Mewnflwch</h1>") && inbox.contains("0 o 0 achos"), "{inbox}");
    assert!(inbox.contains("Cysoni nawr") && inbox.contains("Cau'r ddesg"), "{inbox}");
    // The switch offers English, named in English.
    assert!(inbox.contains("name=\"lang\" value=\"en\"") && inbox.contains("lang=\"en-GB\">English</button>"));

    let board = text(d.send(get_in("/overdue", Some(&cookie), "cy")).await).await;
    assert_welsh(&board, &["<h1>Overdue</h1>", "Nothing is overdue."]);
    assert!(board.contains("<h1>Dros amser</h1>") && board.contains("Nid oes dim dros amser."), "{board}");
    let stats = text(d.send(get_in("/stats", Some(&cookie), "cy")).await).await;
    assert_welsh(&stats, &["Published figures", "Download as CSV", "Time to acknowledge", "cases received"]);
    assert!(stats.contains("Ffigurau cyhoeddedig") && stats.contains("Amser i gydnabod"), "{stats}");
    for page in ["/links", "/escalations"] {
        let body = text(d.send(get_in(page, Some(&cookie), "cy")).await).await;
        assert_welsh(&body, &["Subject links</h1>", "Escalations to you</h1>"]);
    }
    // A case that is not there: the error page in the desk's frame.
    let missing = d.send(get_in("/case/abcdef0123", Some(&cookie), "cy")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing = text(missing).await;
    assert_welsh(&missing, &["<h1>Not found</h1>", "Back to the inbox"]);
    assert!(missing.contains("<h1>Heb ei ganfod</h1>"), "{missing}");
}

#[tokio::test]
async fn the_switch_keeps_a_language_for_the_desk_session() {
    let d = desk();
    let cookie = d.login().await;
    let csrf = d.state.gate.csrf().to_owned();
    // A POST like any other: without the token it is refused and changes nothing.
    let forged = d.send(post("/language", &cookie, "lang=cy&back=/overdue")).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(text(d.send(get("/", Some(&cookie))).await).await.contains("<h1>Inbox</h1>"));

    let switched = d.send(post("/language", &cookie, &format!("csrf={csrf}&lang=cy&back=%2Foverdue%3Fx%3D1"))).await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/overdue?x=1"));
    // The choice outweighs the browser's languages, on every page, until switched back.
    let board = text(d.send(get_in("/overdue", Some(&cookie), "en-GB,en")).await).await;
    assert_welsh(&board, &["<h1>Overdue</h1>", "Sync now"]);
    let inbox = text(d.send(get("/", Some(&cookie))).await).await;
    assert_welsh(&inbox, &["<h1>Inbox</h1>"]);
    // The switch comes back to the page it is on.
    assert!(inbox.contains("name=\"back\" value=\"/\""), "{inbox}");

    // Only a path of the desk is gone back to.
    let away = d.send(post("/language", &cookie, &format!("csrf={csrf}&lang=en&back=%2F%2Fevil.example%2F"))).await;
    assert_eq!(away.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"));
    let inbox = text(d.send(get_in("/", Some(&cookie), "cy")).await).await;
    assert!(inbox.contains("<html lang=\"en-GB\">") && inbox.contains("<h1>Inbox</h1>"), "{inbox}");
    assert!(inbox.contains("lang=\"cy\">Cymraeg</button>"), "the switch offers Welsh: {inbox}");

    // A message an action words is in the language chosen.
    d.send(post("/language", &cookie, &format!("csrf={csrf}&lang=cy&back=/"))).await;
    let response = d.send(post("/case/abcdef0123/note", &cookie, &format!("csrf={csrf}&note="))).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(d.send(get("/case/abcdef0123", Some(&cookie))).await).await;
    assert!(page.contains("Heb ei gofnodi: no case abcdef0123"), "the engine's own words stay: {page}");
    let closed = text(d.send(post("/close", &cookie, &format!("csrf={csrf}"))).await).await;
    assert_welsh(&closed, &["Desk closed"]);
    assert!(closed.contains("<h1>Desg ar gau</h1>"), "{closed}");
}

#[tokio::test]
async fn the_login_and_refusal_pages_follow_the_browser_and_their_own_link() {
    let d = desk();
    let wrong = format!("/login/{}", "0".repeat(64));
    let english = text(d.send(get(&wrong, None)).await).await;
    assert!(english.contains("<html lang=\"en-GB\">") && english.contains("<h1>Login link not valid</h1>"));
    assert!(english.contains("href=\"?lang=cy\""), "a switch to Welsh: {english}");
    let welsh = d.send(get_in(&wrong, None, "cy")).await;
    assert_eq!(welsh.status(), StatusCode::FORBIDDEN);
    let welsh = text(welsh).await;
    assert_welsh(&welsh, &["Login link not valid", "Each login link works once"]);
    assert!(welsh.contains("<code>candour review desk</code>") && welsh.contains("href=\"?lang=en\""), "{welsh}");
    let switched = text(d.send(get(&format!("{wrong}?lang=cy"), None)).await).await;
    assert_welsh(&switched, &["Login link not valid"]);
    let not_signed_in = d.send(get_in("/stats?lang=cy", None, "en")).await;
    assert_eq!(not_signed_in.status(), StatusCode::UNAUTHORIZED);
    assert_welsh(&text(not_signed_in).await, &["Not signed in"]);

    // A refusal's switch changes nothing on the desk; the login link's does.
    let cookie = d.login().await;
    assert!(text(d.send(get("/", Some(&cookie))).await).await.contains("<h1>Inbox</h1>"));
    let d = desk();
    let response = d.send(get(&format!("/login/{}?lang=cy", d.code), None)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("cookie");
    let cookie = cookie.split(';').next().expect("pair").to_owned();
    assert_welsh(&text(d.send(get("/", Some(&cookie))).await).await, &["<h1>Inbox</h1>"]);
}

/// A case page with a report, a reply and the identity held by a custodian, drawn in
/// `language`; the test session has no cases, so the page is drawn directly.
fn case_page(language: candour_l10n::Language) -> String {
    use super::pages::{self, CasePage, Context, IdentityPanel, SentReply, ThreadItem};
    use candour_core::report::{Category, Concern, Disclosure};
    use candour_review::event::ReplyKind;
    use candour_review::state::CaseState;
    use candour_review::views::{CaseView, ThreadMessage};

    let day = Day::from_ymd(2026, 11, 20).expect("day");
    let message = ThreadMessage {
        kind: "report",
        inbox_entry: 7,
        day_sent: day,
        concern: Concern {
            category: Some(Category::UseOfForce),
            what: "CANARY pushed a detained man down the stairs".into(),
            disclosure: Disclosure::Confidential { name: Some("Robin Price".into()), contact: None },
            ..Default::default()
        },
        attachments: vec![("photo.jpg".into(), 2048)],
        notes: vec![],
        mailbox_notes: vec![],
    };
    let view = CaseView {
        case: "3f9a21b07c".into(),
        readers: vec!["psd-1".into(), "psd-2".into()],
        queues: vec!["psd".into()],
        thread: vec![message],
        state: CaseState::fold(None, &[]),
        history: vec![],
        linked: vec![],
    };
    let reply = SentReply { day, author: "psd-1".into(), kind: ReplyKind::Acknowledgement, text: "Thank you.".into() };
    let ctx = Context {
        m: candour_l10n::Messages::new(language),
        here: "/case/3f9a21b07c".into(),
        reviewer: "psd-1".into(),
        reviewer_name: Some("DI Sarah Okafor".into()),
        csrf: "token".into(),
        today: Day::from_ymd(2026, 12, 1).expect("day"),
        flash: None,
        tampered: vec![],
        new_escalations: 2,
        identity_requests: None,
    };
    let page = CasePage {
        view: &view,
        readers: vec![("psd-1".into(), "DI Sarah Okafor".into())],
        seen: String::new(),
        thread: vec![ThreadItem::Reporter(&view.thread[0]), ThreadItem::Reply(reply)],
        sent: Some(day),
        next_due: Some((candour_review::clocks::Duty::Feedback, Day::from_ymd(2027, 2, 20).expect("day"))),
        drafts: None,
        reply_kind: ReplyKind::Feedback,
        tampered: None,
        can_restore: true,
        passed_on: None,
        queues_to: vec![("acu".into(), "Anti-Corruption Unit".into())],
        addable: vec![],
        identity: Some(IdentityPanel { custodians: vec!["pcc-ce".into()], answers: &[] }),
    };
    pages::case(&ctx, &page).into_string()
}

#[test]
fn a_case_page_is_drawn_in_welsh_and_in_english() {
    let welsh = case_page(candour_l10n::Language::Welsh);
    assert_welsh(
        &welsh,
        &[
            "Record triage",
            "Reply to the reporter",
            "Clocks",
            "History",
            "Not set",
            "Use of force",
            "What happened",
            "Acknowledge (7 days)",
            "Reporter's identity",
            "Transfer to another queue",
            " new<",
        ],
    );
    for words in [
        "Achos <code>3f9a21b07c</code>",
        "Brysbennu",
        "Cofnodi'r brysbennu",
        "Ateb yr adroddwr",
        "Derbyniwyd",
        "Defnyddio grym",
        "Enw: Robin Price",
        "Cyswllt: heb ei roi",
        "Ateb (cydnabyddiaeth) gan psd-1, 2026-11-20",
        "adborth erbyn 2027-02-20",
        "2 newydd",
    ] {
        assert!(welsh.contains(words), "{words:?} missing: {welsh}");
    }
    // The reporter's words and the case's data are shown as they are.
    assert!(welsh.contains("CANARY pushed a detained man down the stairs") && welsh.contains("photo.jpg"));

    let english = case_page(candour_l10n::Language::English);
    assert!(english.contains("<html lang=\"en-GB\">") && !english.contains("[desk-"), "{english}");
    for words in
        ["Record triage", "Reply (acknowledgement) by psd-1, 2026-11-20", "feedback by 2027-02-20", "Use of force"]
    {
        assert!(english.contains(words), "{words:?} missing: {english}");
    }
    assert!(!english.contains("Brysbennu") && !english.contains("Derbyniwyd"), "{english}");
}
