//! The reviewer desk in headless Chromium, against a real relay on loopback with the example
//! organisation: psd-1 signs in with the one-time link, triages an overdue case, replies, sees
//! it leave the overdue board, and reads the charts. Screenshots of the inbox, a case, the
//! overdue board and the statistics go to `target/screenshots/desk-*.png`.
//!
//! The reports are back-dated by the reporter (the day sent is inside the sealed report), so
//! the desk runs on the real clock.

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use candour_client::RelayClient;
use candour_core::envelope::AttachmentMeta;
use candour_core::report::{Category, Concern, Subject};
use candour_core::token::MailboxToken;
use candour_core::Day;
use candour_desk::{Desk, DeskOptions, Stopped};
use candour_review::client::ReviewClient;
use candour_review::event::ReplyKind;
use candour_review::triage::{IopcCriterion, Priority, Status};
use candour_review::ReviewSession;
use candour_submit::compose::compose_report;
use candour_submit::mailbox::open_reply;
use candour_submit::send::{send, Attachment, AttachmentData};
use common::browser::Browser;
use common::Relay;
use serde_json::json;

const CANARY: &str = "DESK-CANARY took cash from a seized wallet";
const REPLY: &str = "Thank you. We have your report and are looking into it; we will write again.";
const SUMMARY: &str = "Alleged theft of seized cash by an officer";

/// A reporter sends `concern` as if on day `sent`, with optional attachments.
async fn submit(client: &RelayClient, concern: Concern, sent: Day, attachments: Vec<Attachment>) -> MailboxToken {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let composed = compose_report(&dir, &token, concern, &[], sent).expect("compose");
    send(client, composed.plan(&dir, &token), attachments, None).await.expect("send");
    token
}

async fn session(relay: &str, id: &str, cache_dir: &Path) -> ReviewSession {
    let dir = RelayClient::new(relay, None).expect("client").directory(&common::policy()).await.expect("directory");
    let client = ReviewClient::new(relay, None).expect("client");
    ReviewSession::open(common::reviewer(id), dir, client, &cache_dir.join(format!("{id}.cache"))).expect("session")
}

/// Names of the form controls on the page that no `<label>` names.
fn unlabelled(b: &Browser) -> serde_json::Value {
    b.script(
        "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]\
         .filter(e => !(e.labels && e.labels.length)).map(e => e.name || e.id);",
        vec![],
    )
}

/// Whether the page is wider than the window (something overflows sideways).
fn overflows(b: &Browser) -> bool {
    b.script("return document.documentElement.scrollWidth > window.innerWidth;", vec![]) == json!(true)
}

fn check_page(b: &Browser, page: &str) {
    assert_eq!(unlabelled(b), json!([]), "{page}: every control has a label");
    assert!(!overflows(b), "{page}: nothing overflows at 1280 px");
    assert!(!b.page_source().contains("<script"), "{page}: no script");
    assert_eq!(b.console_problems(), Vec::<String>::new(), "{page}: no CSP violation or load error");
}

/// The rows of a table as text, one string per row.
fn rows(b: &Browser, css: &str) -> Vec<String> {
    b.find_all(css).iter().map(|r| r.text()).collect()
}

/// Clicks what `css` matches and waits for the next page to load, so that no later lookup
/// can land on the page being left.
fn click_to_next_page(b: &Browser, css: &str) {
    let element = b.find(css);
    b.script("window.deskPageLeft = true;", vec![]);
    element.click();
    let deadline = Instant::now() + Duration::from_secs(15);
    let leaving = "return window.deskPageLeft === true || document.readyState !== 'complete';";
    while b.script(leaving, vec![]) == json!(true) {
        assert!(Instant::now() < deadline, "clicking {css} led nowhere");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn submit_form(b: &Browser, action_suffix: &str) {
    click_to_next_page(b, &format!("form[action$='{action_suffix}'] button[type=submit]"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_triage_reply_overdue_board_and_charts_in_chromium() {
    let started = Instant::now();
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let today = common::today();
    let photo: Vec<u8> = (0..5_000u32).map(|i| (i % 251) as u8).collect();
    // Ten days old and unacknowledged: overdue. Its attachment's name tries to be markup.
    let token = submit(
        &client,
        Concern {
            category: Some(Category::HonestyAndIntegrity),
            subjects: vec![Subject {
                name: Some("PC Dale Example".into()),
                collar_number: Some("4021".into()),
                ..Default::default()
            }],
            what: CANARY.into(),
            when: Some("Night shift, last week".into()),
            ..Default::default()
        },
        today.plus_days(-10),
        vec![Attachment {
            meta: AttachmentMeta { name: "<script>evil.html".into(), media_type: "text/html".into() },
            data: AttachmentData::Bytes(photo.clone()),
        }],
    )
    .await;
    // Forty days old, also unacknowledged, naming the same officer by collar number: it stays
    // on the board and links to the first.
    let older = submit(
        &client,
        Concern {
            category: Some(Category::UseOfForce),
            subjects: vec![Subject { collar_number: Some("PC 04021".into()), ..Default::default() }],
            what: "Unnecessary force in custody".into(),
            ..Default::default()
        },
        today.plus_days(-40),
        vec![],
    )
    .await;
    // Sent today: nothing due yet.
    submit(
        &client,
        Concern {
            category: Some(Category::Confidentiality),
            what: "Looked up a neighbour on the PNC".into(),
            ..Default::default()
        },
        today,
        vec![],
    )
    .await;

    let tmp = tempfile::tempdir().expect("tmp");
    let mut psd1 = session(&url, "psd-1", tmp.path()).await;
    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.reports, 3, "{synced:?}");
    let case = candour_review::state::case_ref(&token.thread_id());
    let older_case = candour_review::state::case_ref(&older.thread_id());
    let saved = tmp.path().join("saved");
    let options = DeskOptions { initial_sync: Some(synced), ..DeskOptions::new(saved.clone()) };
    let (desk, _) = Desk::bind_private(psd1, options).await.expect("binds");
    let (addr, login) = (desk.local_addr(), desk.login_url().to_owned());
    let serving = tokio::spawn(desk.serve(std::future::pending()));

    // Another local program, without the session cookie, is refused.
    assert_eq!(common::plain_get(addr, "/").0, 401, "no cookie, no desk");
    assert_eq!(common::plain_get(addr, &format!("/case/{case}")).0, 401);

    let b = Browser::start();
    b.set_viewport(1280, 900);
    let downloads = tempfile::tempdir().expect("downloads");
    b.cdp("Browser.setDownloadBehavior", json!({"behavior": "allow", "downloadPath": downloads.path()}));

    // Sign in: the link leads to the inbox.
    b.goto(&login);
    b.wait_for_text("h1", "Inbox");
    assert_eq!(b.current_url(), format!("http://{addr}/"));
    let inbox = b.find("table.inbox").text();
    assert!(inbox.contains(&case) && inbox.contains(&older_case) && inbox.contains("3 of 3 cases"), "{inbox}");
    assert_eq!(b.find_all("tr.is-overdue").len(), 2, "two cases are past the 7-day duty");
    assert_eq!(b.find_all("table.inbox .badge.new").len(), 3, "every case is new to this reviewer");
    check_page(&b, "inbox");
    b.screenshot("desk-inbox");
    // The link is spent, in the browser and for anyone else.
    assert_eq!(common::plain_get(addr, &login.replace(&format!("http://{addr}"), "")).0, 403);

    // Filter to overdue cases, oldest first, through the form and a sortable header.
    b.find("#f-overdue").click();
    submit_form(&b, "/");
    b.wait_for_text("table.inbox caption", "2 of 3 cases");
    click_to_next_page(&b, "th a[href*='sort=received']");
    b.wait_for_text("th[aria-sort=ascending]", "Received");
    let order = rows(&b, "table.inbox tbody tr");
    assert!(order[0].starts_with(&older_case) && order[1].starts_with(&case), "{order:?}");

    // The case: report, attachment, clocks.
    click_to_next_page(&b, &format!("a[href='/case/{case}']"));
    b.wait_for_text("h1", &case);
    let report = b.find("article.message.reporter").text();
    assert!(report.contains(CANARY) && report.contains("PC Dale Example"), "{report}");
    assert!(report.contains("<script>evil.html"), "the attachment's name is shown as text: {report}");
    assert!(b.find("#clocks-h + dl").text().contains("overdue"));
    assert!(b.find("#summary-now-h + dl").text().contains(&older_case), "linked through collar 4021");
    check_page(&b, "case");
    // Opened, it is no longer new in the inbox; the others still are.
    b.goto(&format!("http://{addr}/"));
    b.wait_for_text("h1", "Inbox");
    assert_eq!(b.find_all("table.inbox .badge.new").len(), 2, "{}", b.find("table.inbox").text());
    click_to_next_page(&b, &format!("a[href='/case/{case}']"));
    b.wait_for_text("h1", &case);

    // Download: the browser saves the bytes, it does not render them.
    b.find(&format!("a[href^='/case/{case}/attachment/']")).click();
    let deadline = Instant::now() + Duration::from_secs(15);
    let downloaded = loop {
        let done = std::fs::read_dir(downloads.path())
            .expect("downloads")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "html"));
        match done {
            Some(p) => break p,
            None if Instant::now() > deadline => panic!("the attachment was not downloaded"),
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    assert_eq!(std::fs::read(&downloaded).expect("read"), photo);
    let offered = downloaded.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    assert!(offered.starts_with(&case) && !offered.contains("evil"), "offered without the reporter's name: {offered}");
    assert!(b.current_url().ends_with(&format!("/case/{case}")), "still on the case page");
    // Save: decrypted into a fresh folder under --save-dir.
    submit_form(&b, "/save");
    b.wait_for_text(".flash.ok", "1 attachment(s) saved");
    let folder = saved.join(format!("{case}-1"));
    let files: Vec<_> = std::fs::read_dir(&folder).expect("saved folder").filter_map(Result::ok).collect();
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read(files[0].path()).expect("read"), photo);
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = files[0].metadata().expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only the reviewer can read a saved attachment");
        let name = files[0].file_name().to_string_lossy().into_owned();
        assert!(name.starts_with(&case) && name.ends_with(".html") && !name.contains("evil"), "{name}");
    }

    // Triage: every kind of field at once.
    b.find("#f-status").select("assessed");
    b.find("#f-priority").select("high");
    b.find("#f-assignee").select("psd-2");
    b.find("#f-corruption").select("theft-and-fraud");
    b.find("#f-grading-source").select("2");
    b.find("#f-grading-information").select("b");
    b.find("#f-grading-handling").select("p");
    b.find("#f-risk").select("medium");
    b.find("#f-risk-measures").type_text("Shift pattern kept as it was");
    b.find("#f-add-subjects").type_text("DS Other Officer");
    submit_form(&b, "/triage");
    b.wait_for_text(".flash.ok", "Triage recorded");
    let history = b.find("table.history").text();
    for needle in ["status assessed", "priority high", "assignee psd-2", "grading 2BP", "subject + DS Other Officer"] {
        assert!(history.contains(needle), "{needle} missing from {history}");
    }
    // The IOPC checklist and the sanitised summary.
    b.find("#f-iopc-serious-corruption").click();
    submit_form(&b, "/iopc");
    b.wait_for_text(".flash.ok", "IOPC checklist recorded");
    assert!(b.find("form[action$='/iopc'] .warning").text().contains("must be referred"));
    // A ticked criterion owes a referral without delay: the case is on the board until the
    // referral is recorded, with its day and reference.
    assert!(b.find("#clocks-h + dl").text().contains("Refer to the IOPC"), "the referral clock");
    b.find("#f-referral").type_text("2026/012345");
    submit_form(&b, "/refer");
    b.wait_for_text(".flash.ok", &format!("Referral to the IOPC on {today} recorded"));
    assert!(b.find("#iopc-referred").text().contains("2026/012345"));
    assert!(!b.exists("form[action$='/iopc'] .warning"), "referred: no more warning");
    b.find("#f-summary").type_text(SUMMARY);
    submit_form(&b, "/summary");
    b.wait_for_text(".flash.ok", "Sanitised summary recorded");

    // Reply: triage told the reporter nothing, so the desk offers an acknowledgement; a first
    // feedback discharges both duties.
    assert_eq!(b.find("#f-kind-acknowledgement").attr("checked").as_deref(), Some("true"));
    b.find("#f-kind-feedback").click();
    b.find("#f-reply").type_text(REPLY);
    submit_form(&b, "/reply");
    b.wait_for_text(".flash.ok", "Reply sealed to the reporter");
    assert!(b.find("article.message.reply").text().contains(REPLY));
    assert!(b.find("#clocks-h + dl").text().contains(&format!("done {today}")));
    assert_eq!(b.find("#clocks-h + dl dd:last-child").text(), "none", "both duties discharged");
    check_page(&b, "case after triage");
    b.screenshot("desk-case");

    // The overdue board: the case has left it; the older one is still there, unassigned.
    click_to_next_page(&b, "nav a[href='/overdue']");
    b.wait_for_text("h1", "Overdue");
    let board = b.find(".board").text();
    assert!(board.contains(&older_case) && !board.contains(&case), "{board}");
    assert!(
        board.contains("Unassigned") && board.contains("Escalate to psd-1, acu-1; notice to psd-head, dcc"),
        "{board}"
    );
    check_page(&b, "overdue");
    b.screenshot("desk-overdue");
    // Escalating records an event naming the supervisors and seals a notice to those outside
    // the unit; the duty is still owed.
    submit_form(&b, &format!("/case/{older_case}/escalate"));
    b.wait_for_text(".flash.ok", &format!("Escalation of {older_case} to psd-1, acu-1 recorded"));
    assert!(b.find(".flash.ok").text().contains("was sent to psd-head, dcc"), "{}", b.find(".flash.ok").text());
    assert!(b.find(".board").text().contains(&older_case));
    // Once per missed duty: the board says it was escalated, and offers no second escalation.
    assert!(
        b.find(".board").text().contains(&format!("Escalated on {today} to psd-1, acu-1; notice to psd-head, dcc")),
        "{}",
        b.find(".board").text()
    );
    assert!(!b.exists(&format!("form[action='/case/{older_case}/escalate']")), "no second escalation");

    // A case acknowledged in time whose three-month feedback deadline then passed: it arrives
    // by "Sync now", is acknowledged here, and stays on the board for its feedback.
    let quiet = submit(
        &client,
        Concern {
            category: Some(Category::DutiesAndResponsibilities),
            what: "Left a vulnerable caller without a callback".into(),
            ..Default::default()
        },
        today.plus_days(-100),
        vec![],
    )
    .await;
    let quiet_case = candour_review::state::case_ref(&quiet.thread_id());
    submit_form(&b, "/sync");
    b.wait_for_text(".flash.ok", "Synced: 1 new reports");
    b.goto(&format!("http://{addr}/case/{quiet_case}"));
    b.wait_for_text("h1", &quiet_case);
    assert_eq!(b.find("#f-kind-acknowledgement").attr("checked").as_deref(), Some("true"));
    b.find("#f-reply").type_text("We have your report.");
    submit_form(&b, "/reply");
    b.wait_for_text(".flash.ok", "Reply sealed to the reporter");
    assert!(b.find("table.history").text().contains("late"), "acknowledged 93 days late, and said so");
    click_to_next_page(&b, "nav a[href='/overdue']");
    b.wait_for_text("h1", "Overdue");
    let card = b.find(&format!("article.card:has(a[href='/case/{quiet_case}'])")).text();
    assert!(card.contains("feedback was due"), "{card}");
    submit_form(&b, &format!("/case/{quiet_case}/escalate"));
    b.wait_for_text(".flash.ok", &format!("Escalation of {quiet_case} to psd-1, acu-1 recorded"));
    b.screenshot("desk-overdue-escalated");
    // The same case meets a mandatory-referral criterion: the referral is owed at once, and
    // recorded with its day and reference.
    b.goto(&format!("http://{addr}/case/{quiet_case}"));
    b.wait_for_text("h1", &quiet_case);
    b.find("#f-iopc-serious-corruption").click();
    submit_form(&b, "/iopc");
    b.wait_for_text(".flash.ok", "IOPC checklist recorded");
    assert!(b.find("#clocks-h + dl").text().contains("Refer to the IOPC"), "the referral clock");
    b.find("#f-referral").type_text("2026/054321");
    submit_form(&b, "/refer");
    b.wait_for_text(".flash.ok", &format!("Referral to the IOPC on {today} recorded"));
    assert!(b.find("#iopc-referred").text().contains("2026/054321"));

    // Subject links: both cases name collar 4021.
    click_to_next_page(&b, "nav a[href='/links']");
    b.wait_for_text("h1", "Subject links");
    let links = b.find("table.links").text();
    assert!(links.contains(&case) && links.contains(&older_case), "{links}");
    check_page(&b, "links");
    // The older report repeats the first: joined as its duplicate, it leaves the inbox and
    // the figures, and its clocks stop.
    b.find(&format!("#f-join-{older_case}")).select(&case);
    submit_form(&b, &format!("/case/{older_case}/discard"));
    b.wait_for_text(".flash.ok", &format!("Case {older_case} set aside as not a report (duplicate)"));
    assert!(b.find(".banner.discarded").text().contains(&case), "{}", b.find(".banner.discarded").text());
    assert!(b.exists("form[action$='/restore']"), "a supervisor is offered the restore");
    b.goto(&format!("http://{addr}/"));
    b.wait_for_text("h1", "Inbox");
    assert!(!b.find("table.inbox").text().contains(&older_case));
    assert!(b.find("p.discarded").text().contains(&format!("{older_case} (duplicate of {case})")));

    // Statistics: four SVG charts and the published table.
    click_to_next_page(&b, "nav a[href='/stats']");
    b.wait_for_text("h1", "Statistics");
    assert_eq!(b.find_all("svg.chart").len(), 4);
    let year = today.ymd().0;
    // The duplicate (sent 40 days ago) is in no figure.
    let this_year = [-10, 0, -100].iter().filter(|d| today.plus_days(**d).ymd().0 == year).count();
    let received = b.find("#received-desc").attr("textContent").unwrap_or_default();
    let cases_word = if this_year == 1 { "case" } else { "cases" };
    assert!(received.starts_with(&format!("{this_year} {cases_word} received in {year}")), "{received}");
    assert!(b.find_all("svg.chart rect.bar").len() >= 4, "bars are drawn");
    assert!(b.find("table.stats caption").text().contains(&year.to_string()));
    check_page(&b, "stats");
    b.screenshot("desk-stats");
    // The same desk in Welsh, through the switch in the header (a form, no script): the choice
    // holds from page to page until it is switched back.
    click_to_next_page(&b, "header form[action='/language'] button");
    b.wait_for_text("h1", "Ystadegau");
    assert_eq!(b.find("html").attribute("lang").as_deref(), Some("cy"));
    check_page(&b, "stats in Welsh");
    b.goto(&format!("http://{addr}/case/{case}"));
    b.wait_for_text("#triage-h", "Brysbennu");
    assert!(b.find("#clocks-h").text().contains("Clociau"));
    check_page(&b, "case in Welsh");
    b.screenshot("desk-case-cy");
    click_to_next_page(&b, "header form[action='/language'] button");
    b.wait_for_text("#triage-h", "Triage");
    assert_eq!(b.find("html").attribute("lang").as_deref(), Some("en-GB"));

    // The set-aside duplicate: psd-1 proposes its disposal, acu-1 (a second supervisor) agrees,
    // and at the next sync it leaves psd-1's desk.
    b.goto(&format!("http://{addr}/case/{older_case}"));
    b.wait_for_text("h1", &older_case);
    b.find("#f-dispose-note").type_text("A duplicate: nothing of it to keep.");
    submit_form(&b, &format!("/case/{older_case}/dispose"));
    b.wait_for_text(".flash.ok", "takes effect once a second supervisor agrees");
    let mut acu1 = session(&url, "acu-1", tmp.path()).await;
    acu1.sync().await.expect("sync");
    assert_eq!(acu1.dispose(&older_case, "agreed").await.expect("agree").len(), 1);
    click_to_next_page(&b, "header form[action='/sync'] button");
    b.wait_for_text("h1", "Inbox");
    assert!(!b.find("table.inbox").text().contains(&older_case));
    assert!(!b.exists("p.discarded") || !b.find("p.discarded").text().contains(&older_case), "nor its set-aside list");
    b.goto(&format!("http://{addr}/case/{older_case}"));
    assert!(!b.find("main").text().contains("Dispose of this case"), "its page is gone");

    // A smaller laptop screen: the pages reflow rather than scroll sideways.
    b.set_viewport(1024, 768);
    for page in ["/".to_owned(), format!("/case/{case}"), "/overdue".to_owned(), "/stats".to_owned()] {
        b.goto(&format!("http://{addr}{page}"));
        b.find("main h1");
        assert!(!overflows(&b), "{page} overflows at 1024 px");
    }
    b.set_viewport(1280, 900);

    // The spent link, in the browser too.
    b.goto(&login);
    b.wait_for_text("h1", "Login link not valid");

    // Close the desk from the browser.
    b.goto(&format!("http://{addr}/"));
    click_to_next_page(&b, "header form[action='/close'] button");
    b.wait_for_text("h1", "Desk closed");
    let stopped = tokio::time::timeout(Duration::from_secs(15), serving).await.expect("stops").expect("joins");
    assert_eq!(stopped.expect("serves"), Stopped::Closed);
    assert!(TcpStream::connect(addr).is_err(), "nothing listens after closing");
    drop(b);

    // What the desk did landed on the relay exactly as the command line would have put it.
    let dir = client.directory(&common::policy()).await.expect("directory");
    let entries = client.mailbox_all(&token.mailbox_id()).await.expect("mailbox");
    assert_eq!(entries.len(), 2, "the automatic receipt the desk's first sync filed, then the reply");
    let bytes = client.mailbox_read(&token.mailbox_id(), entries[1].seq).await.expect("read");
    let reply = open_reply(&dir, &token, &bytes).expect("the reporter opens the reply");
    assert_eq!((reply.text.as_str(), reply.reviewer.as_str()), (REPLY, "psd-1"));
    let mut psd2 = session(&url, "psd-2", tmp.path()).await;
    let r = psd2.sync().await.expect("sync");
    assert!(r.tampered.is_empty() && r.rejected.is_empty(), "{r:?}");
    let state = psd2.case(&case).expect("case").state();
    assert_eq!((state.status, state.priority), (Status::Assessed, Priority::High));
    assert_eq!(state.assignee.as_deref(), Some("psd-2"));
    assert_eq!(state.grading.map(|g| g.to_string()).as_deref(), Some("2BP"));
    assert_eq!(state.iopc, [IopcCriterion::SeriousCorruption]);
    assert_eq!(state.summary.as_deref(), Some(SUMMARY));
    assert!(state.subjects.iter().any(|s| s == "DS Other Officer"));
    assert_eq!(state.feedback_on, Some(today), "the reply was recorded as feedback");
    let replies = psd2
        .case(&case)
        .expect("case")
        .events
        .iter()
        .filter(|e| {
            matches!(&e.event.action,
        candour_review::event::Action::Reply { reply_kind: ReplyKind::Feedback, text } if text == REPLY)
        })
        .count();
    assert_eq!(replies, 1);

    // The head of PSD, outside the unit, reads no case but receives both escalations on their
    // own desk: references, duties and days late, never a report's words.
    let mut head = session(&url, "psd-head", tmp.path()).await;
    let synced = head.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.escalations), (0, 2), "{synced:?}");
    let options = DeskOptions { initial_sync: Some(synced), ..DeskOptions::new(tmp.path().join("head-saved")) };
    let (desk, _) = Desk::bind_private(head, options).await.expect("binds");
    let (addr, login) = (desk.local_addr(), desk.login_url().to_owned());
    let serving = tokio::spawn(desk.serve(std::future::pending()));
    let b = Browser::start();
    b.set_viewport(1280, 900);
    b.goto(&login);
    b.wait_for_text("h1", "Inbox");
    assert!(b.find("nav a[href='/escalations']").text().contains("2 new"), "{}", b.find("nav").text());
    click_to_next_page(&b, "nav a[href='/escalations']");
    b.wait_for_text("h1", "Escalations to you");
    let notices = rows(&b, "table.escalations tbody tr");
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains(&quiet_case) && notices[0].contains("feedback"), "newest first: {notices:?}");
    assert!(notices[1].contains(&older_case) && notices[1].contains("acknowledge"), "{notices:?}");
    assert!(notices.iter().all(|n| n.contains("new") && n.contains("DI Sarah Okafor (PSD) (psd-1)")), "{notices:?}");
    let page = b.page_source();
    assert!(!page.contains("DESK-CANARY") && !page.contains("Unnecessary force"), "no report words on the page");
    check_page(&b, "escalations");
    b.screenshot("desk-escalations");
    // Looked at, they are no longer new.
    b.goto(&format!("http://{addr}/escalations"));
    b.wait_for_text("h1", "Escalations to you");
    assert!(!b.find("nav a[href='/escalations']").text().contains("new"));
    click_to_next_page(&b, "header form[action='/close'] button");
    b.wait_for_text("h1", "Desk closed");
    let stopped = tokio::time::timeout(Duration::from_secs(15), serving).await.expect("stops").expect("joins");
    assert_eq!(stopped.expect("serves"), Stopped::Closed);
    drop(b);

    // Nothing decrypted was left in the cache folder but the saved attachment.
    for entry in std::fs::read_dir(tmp.path()).expect("dir").filter_map(Result::ok) {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read");
            assert!(!bytes.windows(11).any(|w| w == b"DESK-CANARY"), "{}", entry.path().display());
        }
    }
    relay.shutdown().await;
    println!("desk browser test: {:.1} s", started.elapsed().as_secs_f64());
}

/// A desk of its own for `session`, signed in in a fresh Chromium; returns the browser, the
/// desk's address and its serving task.
async fn open_desk(
    session: ReviewSession,
    saved: &Path,
) -> (Browser, std::net::SocketAddr, tokio::task::JoinHandle<Result<Stopped, candour_desk::DeskError>>) {
    let (desk, _) = Desk::bind_private(session, DeskOptions::new(saved.to_owned())).await.expect("binds");
    let (addr, login) = (desk.local_addr(), desk.login_url().to_owned());
    let serving = tokio::spawn(desk.serve(std::future::pending()));
    let b = Browser::start();
    b.set_viewport(1280, 900);
    b.goto(&login);
    b.wait_for_text("h1", "Inbox");
    (b, addr, serving)
}

/// Closes the desk from its own button and waits for it to stop.
async fn close_desk(b: &Browser, serving: tokio::task::JoinHandle<Result<Stopped, candour_desk::DeskError>>) {
    click_to_next_page(b, "header form[action='/close'] button");
    b.wait_for_text("h1", "Desk closed");
    let stopped = tokio::time::timeout(Duration::from_secs(15), serving).await.expect("stops").expect("joins");
    assert_eq!(stopped.expect("serves"), Stopped::Closed);
}

/// A confidential reporter's name, held by the custodian (pcc-ce): psd-1's desk says it is held
/// and asks, saying why; pcc-ce's desk lists the request and grants it; psd-1's desk then shows
/// the name, and the history says who learned it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_asks_the_custodian_for_the_reporters_name_on_the_desk_in_chromium() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let concern = Concern {
        category: Some(Category::Other),
        what: "Expenses claimed for a course never attended".into(),
        disclosure: candour_core::report::Disclosure::Confidential {
            name: Some("DESK-NAME Robin Price".into()),
            contact: Some("DESK-CONTACT 07700 900456".into()),
        },
        ..Default::default()
    };
    let token = submit(&client, concern, common::today(), vec![]).await;
    let case = candour_review::state::case_ref(&token.thread_id());

    let mut psd1 = session(&url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    let (b, addr, serving) = open_desk(psd1, &tmp.path().join("psd-1-saved")).await;
    b.goto(&format!("http://{addr}/case/{case}"));
    b.wait_for_text("h1", &case);
    assert!(b.find("main").text().contains("held by the identity custodian"), "{}", b.find("main").text());
    assert!(!b.page_source().contains("DESK-NAME"), "no reader's page holds the name");
    check_page(&b, "case with a held identity");
    b.find("#f-identity-reason").type_text("To take a witness statement in person.");
    submit_form(&b, "/identity-request");
    b.wait_for_text(".flash.ok", "Request for the reporter's identity recorded");
    assert!(b.find("table.history").text().contains("asked the identity custodians"));
    close_desk(&b, serving).await;
    drop(b);

    let mut custodian = session(&url, "pcc-ce", tmp.path()).await;
    custodian.sync().await.expect("sync");
    let (b, _, serving) = open_desk(custodian, &tmp.path().join("pcc-ce-saved")).await;
    assert!(b.find("nav a[href='/identity']").text().contains("1 waiting"), "{}", b.find("nav").text());
    click_to_next_page(&b, "nav a[href='/identity']");
    b.wait_for_text("h1", "Identity requests");
    let request = b.find("section.identity-request").text();
    assert!(request.contains(&case) && request.contains("To take a witness statement"), "{request}");
    assert!(!b.page_source().contains("Expenses claimed"), "the custodian never sees the report");
    check_page(&b, "identity requests");
    b.find("section.identity-request textarea").type_text("Approved by the Head of PSD.");
    click_to_next_page(&b, "section.identity-request button[value='grant']");
    b.wait_for_text(".flash.ok", "granted");
    assert!(b.find("section.identity-request").text().contains("granted on"));
    b.screenshot("desk-identity-requests");
    close_desk(&b, serving).await;
    drop(b);

    let mut psd1 = session(&url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    let (b, addr, serving) = open_desk(psd1, &tmp.path().join("psd-1-saved")).await;
    b.goto(&format!("http://{addr}/case/{case}"));
    b.wait_for_text("h1", &case);
    let panel = b.find("section[aria-labelledby='identity-h']").text();
    assert!(panel.contains("DESK-NAME Robin Price") && panel.contains("DESK-CONTACT 07700 900456"), "{panel}");
    assert!(panel.contains("Granted to you by pcc-ce"), "{panel}");
    assert!(b.find("table.history").text().contains("pcc-ce granted the request"));
    b.screenshot("desk-identity-granted");
    close_desk(&b, serving).await;
    relay.shutdown().await;
}

#[test]
fn the_command_refuses_a_non_loopback_address_before_asking_for_anything() {
    let keys = common::keys_example();
    for listen in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8080"] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_candour"));
        cmd.args(["review", "desk", "--no-browser", "--listen", listen, "--root"])
            .arg(keys.join("root.pub"))
            .arg("--identity")
            .arg(keys.join("reviewers/psd-1.key"));
        let out = common::output_within(cmd, std::time::Duration::from_secs(60));
        assert!(!out.status.success(), "{listen} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("loopback"), "{listen}: {stderr}");
        assert!(out.stdout.is_empty(), "{listen}: a login link was printed");
    }
}

/// A local web server on `ip`, on a port of its own, that records the `Cookie` header of every
/// request it is sent and answers with a small page: another local program a reviewer's
/// browser might visit.
fn snooping_server(ip: &str) -> (std::net::SocketAddr, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead as _, Write as _};
    let listener = std::net::TcpListener::bind((ip, 0)).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64).flatten() {
            let mut reader = std::io::BufReader::new(stream.try_clone().expect("clone"));
            let mut cookie = String::from("(none)");
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if line.to_ascii_lowercase().starts_with("cookie:") {
                    cookie = line.trim().to_owned();
                }
                line.clear();
            }
            record.lock().expect("lock").push(cookie);
            let mut stream = stream;
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 18\r\nconnection: close\r\n\r\n<h1>elsewhere</h1>",
            );
        }
    });
    (addr, seen)
}

/// Browsers keep cookies per host, not per port: a desk on 127.0.0.1 hands its session cookie
/// to any other server on 127.0.0.1 the reviewer's browser visits. On an address of its own it
/// does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_other_local_server_is_sent_the_desks_cookie() {
    let relay = Relay::start().await;
    let url = relay.url();
    let tmp = tempfile::tempdir().expect("tmp");
    let b = Browser::start();
    let visit = |desk: Desk, snoop: std::net::SocketAddr| {
        let login = desk.login_url().to_owned();
        let serving = tokio::spawn(desk.serve(std::future::pending()));
        b.goto(&login);
        b.wait_for_text("h1", "Inbox");
        b.goto(&format!("http://{snoop}/"));
        b.wait_for_text("h1", "elsewhere");
        serving.abort();
    };
    let (snoop, seen) = snooping_server("127.0.0.1");

    // The default: an address of its own.
    let (desk, shared) =
        Desk::bind_private(session(&url, "psd-1", tmp.path()).await, DeskOptions::new(tmp.path().join("a")))
            .await
            .expect("binds");
    assert!(!shared, "this system routes all of 127.0.0.0/8");
    let own = desk.local_addr();
    assert!(own.ip().is_loopback() && own.ip().to_string() != "127.0.0.1", "{own}");
    visit(desk, snoop);
    let before = seen.lock().expect("lock").clone();
    assert!(!before.is_empty() && before.iter().all(|c| c == "(none)"), "the cookie stayed with the desk: {before:?}");

    // The control: on 127.0.0.1 (as before), the other server is sent the session cookie.
    let shared_desk = Desk::bind(
        "127.0.0.1:0".parse().expect("address"),
        session(&url, "psd-1", tmp.path()).await,
        DeskOptions::new(tmp.path().join("b")),
    )
    .await
    .expect("binds");
    visit(shared_desk, snoop);
    let after = seen.lock().expect("lock").clone();
    assert!(
        after[before.len()..].iter().any(|c| c.to_ascii_lowercase().starts_with("cookie:")),
        "a desk on 127.0.0.1 gives its cookie away: {after:?}"
    );
    drop(b);
    relay.shutdown().await;
}

/// The reporter's follow-up, as their client sends it with the token alone: to the readers the
/// mailbox gives (following any signed transfer), carrying the changes it applied.
async fn reporter_follows_up(client: &RelayClient, token: &MailboxToken, what: &str) -> Vec<String> {
    use candour_submit::mailbox::{follow_up_readers, FollowUpReaders};
    let dir = client.directory(&common::policy()).await.expect("directory");
    let mut views = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        views.extend(open_reply(&dir, token, &bytes).ok());
    }
    let FollowUpReaders::Known(route) = follow_up_readers(&dir, token, &views) else { panic!("no receipt yet") };
    let concern = Concern { what: what.to_owned(), ..Default::default() };
    let composed = candour_submit::compose::compose_follow_up_after(
        &dir,
        token,
        concern,
        route.readers.clone(),
        route.commitment.clone(),
        route.reader_changes.clone(),
        common::today(),
    )
    .expect("compose");
    send(client, composed.plan(&dir, token), vec![], None).await.expect("send");
    route.readers
}

/// A Prevent concern the reporter filed as "other" reached the PSD and the ACU. psd-1 transfers
/// it to Special Branch on the desk: it leaves psd-1's desk, arrives on sb-1's with its history,
/// and the reporter's next follow-up reaches sb-1 only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misrouted_prevent_concern_moves_from_the_psd_desk_to_special_branch_in_chromium() {
    const WORDS: &str = "TRANSFER-CANARY says he will travel to fight and has asked others to go";
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let concern = Concern { category: Some(Category::Other), what: WORDS.into(), ..Default::default() };
    let token = submit(&client, concern, common::today().plus_days(-3), vec![]).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let tmp = tempfile::tempdir().expect("tmp");
    let mut psd1 = session(&url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd1.record(&case, candour_review::event::Action::Note { text: "Reads as a Prevent concern.".into() })
        .await
        .expect("note");
    let synced = psd1.sync().await.expect("sync");

    // psd-1's desk: the case is in the inbox; transfer it to Special Branch.
    let options = DeskOptions { initial_sync: Some(synced), ..DeskOptions::new(tmp.path().join("psd-saved")) };
    let (desk, _) = Desk::bind_private(psd1, options).await.expect("binds");
    let (addr, login) = (desk.local_addr(), desk.login_url().to_owned());
    let serving = tokio::spawn(desk.serve(std::future::pending()));
    let b = Browser::start();
    b.set_viewport(1280, 900);
    b.goto(&login);
    b.wait_for_text("h1", "Inbox");
    assert!(b.find("table.inbox").text().contains(&case));
    click_to_next_page(&b, &format!("a[href='/case/{case}']"));
    b.wait_for_text("h1", &case);
    check_page(&b, "case before the transfer");
    b.find("#f-transfer-queue").select("sb-prevent");
    b.find("#f-transfer-note").type_text("A Prevent concern: Special Branch's alone.");
    submit_form(&b, "/transfer");
    b.wait_for_text(".flash.ok", "transferred to sb-prevent");
    assert!(b.find(".flash.ok").text().contains("No longer readers: acu-1, acu-2, psd-1, psd-2"));
    b.wait_for_text(".banner", "Passed on");
    assert!(!b.exists("form[action$='/note']"), "nothing more can be recorded here");
    let history = b.find("table.history").text();
    assert!(history.contains("transferred to sb-prevent: readers now sb-1"), "{history}");
    b.screenshot("desk-transferred");
    b.goto(&format!("http://{addr}/"));
    b.wait_for_text("h1", "Inbox");
    assert!(!b.find("main").text().contains(&case), "it left psd-1's desk");
    click_to_next_page(&b, "header form[action='/close'] button");
    b.wait_for_text("h1", "Desk closed");
    tokio::time::timeout(Duration::from_secs(15), serving).await.expect("stops").expect("joins").expect("serves");
    drop(b);

    // The reporter, with the token alone, now reaches Special Branch only.
    let sealed_to = reporter_follows_up(&client, &token, "TRANSFER-CANARY the date is next week").await;
    assert_eq!(sealed_to, ["sb-1"]);
    let mut psd2 = session(&url, "psd-2", tmp.path()).await;
    let synced = psd2.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.follow_ups, psd2.cases().count()), (1, 0, 0), "{synced:?}");

    // sb-1's desk: the case arrives with its history and the follow-up.
    let mut sb1 = session(&url, "sb-1", tmp.path()).await;
    let synced = sb1.sync().await.expect("sync");
    assert!(synced.tampered.is_empty() && synced.rejected.is_empty(), "{synced:?}");
    assert_eq!((synced.reports, synced.follow_ups), (1, 1), "{synced:?}");
    let options = DeskOptions { initial_sync: Some(synced), ..DeskOptions::new(tmp.path().join("sb-saved")) };
    let (desk, _) = Desk::bind_private(sb1, options).await.expect("binds");
    let login = desk.login_url().to_owned();
    let serving = tokio::spawn(desk.serve(std::future::pending()));
    let b = Browser::start();
    b.set_viewport(1280, 900);
    b.goto(&login);
    b.wait_for_text("h1", "Inbox");
    assert!(b.find("table.inbox").text().contains(&case), "it arrived on sb-1's desk");
    click_to_next_page(&b, &format!("a[href='/case/{case}']"));
    b.wait_for_text("h1", &case);
    let thread = b.find("section[aria-labelledby=thread-h]").text();
    assert!(thread.contains(WORDS) && thread.contains("the date is next week"), "{thread}");
    let history = b.find("table.history").text();
    assert!(
        history.contains("Reads as a Prevent concern.") && history.contains("transferred to sb-prevent"),
        "{history}"
    );
    assert!(!history.contains("REFUSED"), "{history}");
    check_page(&b, "case after the transfer");
    b.screenshot("desk-transfer-arrived");
    click_to_next_page(&b, "header form[action='/close'] button");
    b.wait_for_text("h1", "Desk closed");
    tokio::time::timeout(Duration::from_secs(15), serving).await.expect("stops").expect("joins").expect("serves");
    relay.shutdown().await;
}
