//! The guided `candour report` on a real terminal: `script` (util-linux, in every Debian
//! install) gives the command a pseudo-terminal, and the answers are typed into it.

mod common;

use candour_core::envelope::DiscardAttachments;
use candour_core::message::open_document;
use candour_core::report::{Category, Document};
use common::{reviewer, unix_now, Relay};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guided_questions_on_a_terminal_send_what_was_answered() {
    let relay = Relay::start().await;
    let command = format!(
        "{} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    // Category 1, not about PSD/ACU staff, not a chief officer; one subject; what (ended by a
    // full stop); when; where; not reported elsewhere; anonymous; no attachment; exclude acu-2;
    // confirm.
    let answers = "1\nn\nn\nPC Example\n4021\nResponse\nCentral\n\n\nHe took cash from a seized wallet.\n.\n\
                   Tuesday night\nCustody suite\n\n\n\nacu-2\ny\n";
    let output = common::on_a_terminal(command, answers.to_owned()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("Which category fits best?"), "{screen}");
    assert!(screen.contains("DI Sarah Okafor (PSD) [psd-1]") && !screen.contains("[acu-2]"), "{screen}");
    assert!(screen.contains("Your mailbox token (shown once, never again)"), "{screen}");

    let client = common::bound_client(&relay.url()).await;
    let key = reviewer("psd-1");
    let page: serde_json::Value =
        serde_json::from_slice(&client.reviewer_get(key.signing_key(), "/v1/inbox", unix_now()).await.expect("list"))
            .expect("json");
    let seq = page["entries"][0]["seq"].as_u64().expect("one entry");
    let sealed = client.reviewer_get(key.signing_key(), &format!("/v1/inbox/{seq}"), unix_now()).await.expect("read");
    let opened = open_document(key.identity(), &sealed[..], &mut DiscardAttachments).expect("psd-1 opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.category, Some(Category::HonestyAndIntegrity));
    assert_eq!(report.concern.what, "He took cash from a seized wallet.");
    assert_eq!(report.concern.r#where.as_deref(), Some("Custody suite"));
    assert_eq!(report.concern.subjects[0].collar_number.as_deref(), Some("4021"));
    assert_eq!(report.sealed_to, ["psd-1", "psd-2", "acu-1"]);
    assert!(open_document(reviewer("acu-2").identity(), &sealed[..], &mut DiscardAttachments).is_err());
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naming_a_reader_on_a_terminal_offers_to_leave_them_out() {
    let relay = Relay::start().await;
    let command = format!(
        "{} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    // Category 1; a subject named like psd-2 (DS Tom Reilly); what; no exclusions; then, asked
    // what to do about it, 2 (leave him out); confirm.
    let answers = "1\nn\nn\nTom Reilly\n\n\n\n\n\nHe took the cash.\n.\n\n\n\n\n\n\n2\ny\n";
    let output = common::on_a_terminal(command, answers.to_owned()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("has the same name as DS Tom Reilly (PSD)"), "{screen}");
    assert!(screen.contains("2. Leave out psd-2"), "{screen}");
    assert!(!screen.contains("DS Tom Reilly (PSD) [psd-2]"), "psd-2 is not among the readers shown: {screen}");
    let client = common::bound_client(&relay.url()).await;
    let key = reviewer("psd-1");
    let page: serde_json::Value =
        serde_json::from_slice(&client.reviewer_get(key.signing_key(), "/v1/inbox", unix_now()).await.expect("list"))
            .expect("json");
    let seq = page["entries"][0]["seq"].as_u64().expect("one entry");
    let sealed = client.reviewer_get(key.signing_key(), &format!("/v1/inbox/{seq}"), unix_now()).await.expect("read");
    let opened = open_document(key.identity(), &sealed[..], &mut DiscardAttachments).expect("psd-1 opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.sealed_to, ["psd-1", "acu-1", "acu-2"]);
    relay.shutdown().await;
}

/// A relay that cannot be reached is said before the first question, not after the officer has
/// typed everything, with the status for "unreachable".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_is_down_is_said_before_the_first_question() {
    let (url, _held) = common::unreachable_relay();
    let command = format!(
        "{} report --relay {url} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        common::keys_example().join("root.pub").display()
    );
    let output = common::on_a_terminal(command, "1\n".into()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("cannot reach the relay"), "{screen}");
    assert!(!screen.contains("Which category"), "it asked first: {screen}");
    assert_eq!(output.status.code(), Some(7), "{screen}");
}

/// Sending fails (the relay is busy, twice): the answers are kept; the officer changes one and
/// tries again; the report that arrives has the changed answer. Only the people who would read
/// this report are offered for exclusion, and "confidential" is explained with the custodian's
/// name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_keeps_the_answers_and_lets_one_be_changed() {
    let relay = Relay::start().await;
    let proxy = common::planting::PlantingProxy::start(relay.addr).await;
    proxy.plant_times("POST /v1/inbox/challenge ", candour_relay::ApiError::BUSY, 2);
    let command = format!(
        "{} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        proxy.url(),
        common::keys_example().join("root.pub").display()
    );
    // Category 1; not about PSD/ACU or a chief officer; nobody named; what; no when, where or
    // elsewhere; anonymous; no file; first "psd-9" (nobody's id) then nobody excluded; send.
    // It fails: change answer 3 (when); send; it fails: try again; send.
    let typed =
        "1\nn\nn\n\n\nHe took cash from the property store.\n.\n\n\n\n\n\npsd-9\n\ny\nc\n3\nFriday night\ny\nt\ny\n";
    let output = common::on_a_terminal(command, typed.into()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert_eq!(screen.matches("Your answers are kept").count(), 2, "{screen}");
    assert!(screen.contains("the relay is busy"), "the relay's own words: {screen}");
    assert!(screen.contains("psd-9 is not among them"), "{screen}");
    // Honesty and integrity goes to PSD and the ACU: Special Branch is not offered.
    let offered = &screen[screen.find("Only these people would be able to read it").expect("the offer")..];
    let offered = &offered[..offered.find("must NOT").unwrap_or(offered.len())];
    assert!(offered.contains("psd-1") && offered.contains("acu-2") && !offered.contains("sb-1"), "{offered}");
    assert!(screen.contains("Rachel Evans") && screen.contains("giving a reason"), "confidential explained: {screen}");
    assert!(screen.contains("Honesty and integrity"), "the category's title: {screen}");
    assert!(screen.contains("Your mailbox token (shown once, never again)"), "{screen}");

    let client = common::bound_client(&relay.url()).await;
    let inbox = common::inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1, "one report arrived");
    let opened = open_document(reviewer("psd-1").identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.when.as_deref(), Some("Friday night"), "the changed answer");
    assert_eq!(report.concern.what, "He took cash from the property store.");
    relay.shutdown().await;
}

/// `candour mailbox` on a terminal, with a reviewer's question in view, offers to answer it
/// there and then; the answer reaches the report's readers as a follow-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_offers_to_answer_a_reviewers_question() {
    use candour_core::report::Concern;
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url()).await;
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = candour_core::token::MailboxToken::generate();
    let concern =
        Concern { category: Some(Category::HonestyAndIntegrity), what: "He took cash.".into(), ..Default::default() };
    let composed =
        candour_submit::compose::compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
    candour_submit::send::send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    let cache = tempfile::tempdir().expect("cache");
    let review = candour_review::client::ReviewClient::new(&relay.url(), None).expect("client");
    let mut psd1 =
        candour_review::ReviewSession::open(reviewer("psd-1"), dir, review, &cache.path().join("c")).expect("s");
    psd1.sync().await.expect("sync");
    let case = candour_review::state::case_ref(&token.thread_id());
    psd1.reply(&case, "Which night was it?", candour_review::event::ReplyKind::Message).await.expect("reply");

    let command = format!(
        "{} mailbox --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    let typed = format!("{}\ny\nIt was the 14th, about 3am.\n.\ny\n", token.to_words().as_str());
    let output = common::on_a_terminal(command, typed).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("Which night was it?") && screen.contains("Answer them now?"), "{screen}");
    assert!(screen.contains("Sent. It joins your report's case."), "{screen}");
    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.follow_ups, 1, "{synced:?}");
    let answered = psd1.case(&case).expect("case");
    assert_eq!(answered.follow_ups[0].report.concern.what, "It was the 14th, about 3am.");
    relay.shutdown().await;
}
