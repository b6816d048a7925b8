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

/// A relay holding one report whose case psd-1 has synced and asked "Which night was it?";
/// the report's token, psd-1's session, the case and the session's cache folder (kept for as long
/// as the test runs).
async fn a_report_with_a_question(
) -> (Relay, candour_core::token::MailboxToken, candour_review::ReviewSession, String, tempfile::TempDir) {
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
    (relay, token, psd1, case, cache)
}

/// `candour mailbox` on a terminal, with a reviewer's question in view, offers to answer it
/// there and then; the answer reaches the report's readers as a follow-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_offers_to_answer_a_reviewers_question() {
    let (relay, token, mut psd1, case, _cache) = a_report_with_a_question().await;

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

/// Under a Welsh locale (LANG alone), the guided questions, the list of readers and what to do
/// with the token are in Welsh, and none of the English is shown; the report is sent, and the
/// token printed under the Welsh heading is the report's (its 12 words stay BIP39's English
/// ones: they are the key).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_welsh_locale_asks_every_question_in_welsh() {
    let relay = Relay::start().await;
    // The variables that would win over LANG are cleared, so LANG alone chooses.
    let command = format!(
        "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE -u CANDOUR_LANG LANG=cy_GB.UTF-8 {} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    // As the first test, answered in Welsh: "na" to PSD/ACU and to a chief officer, Enter to
    // stay anonymous, "ie" to send.
    let answers = "1\nna\nna\nPC Example\n4021\nResponse\nCentral\n\n\nHe took cash from a seized wallet.\n.\n\
                   Tuesday night\nCustody suite\n\n\n\nacu-2\nie\n";
    let output = common::on_a_terminal(command, answers.to_owned()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    for welsh in [
        "Adroddiad Candour. Defnyddiwch ddyfais bersonol",
        "Gonestrwydd ac uniondeb",
        "Pa gategori sy'n gweddu orau? (rhif)",
        "A yw'n ymwneud â rhywun yn yr Adran Safonau Proffesiynol neu'r Uned Gwrth-lygredd? [i/N]",
        "Beth ddigwyddodd?",
        "Aros yn ddienw? [I/n]",
        "Dim ond y bobl hyn fyddai'n gallu ei ddarllen:",
        "Dim ond y bobl hyn fydd yn gallu ei ddarllen:",
        "Anfon yr adroddiad at y bobl hyn? [i/N]",
        "Mae eich adroddiad wedi dod i law ac wedi'i gadw.",
        "candour mailbox --lang cy --relay",
    ] {
        assert!(screen.contains(welsh), "{welsh:?} missing: {screen}");
    }
    for english in [
        "Candour report.",
        "Honesty and integrity",
        "Which category fits best?",
        "Is it about someone in PSD",
        "What happened?",
        "Stay anonymous?",
        "Only these people",
        "Send the report to these people?",
        "Your mailbox token",
        "[y/N]",
    ] {
        assert!(!screen.contains(english), "{english:?} shown in English: {screen}");
    }
    assert!(screen.contains("DI Sarah Okafor (PSD) [psd-1]") && !screen.contains("[acu-2]"), "{screen}");

    let heading = "Eich tocyn blwch post (fe'i dangosir unwaith, byth eto):";
    let after = &screen[screen.find(heading).expect("the token's heading") + heading.len()..];
    let words = after.lines().map(str::trim).find(|l| !l.is_empty()).expect("the token's line");
    let token: candour_core::token::MailboxToken = words.parse().expect("12 words that are a token");

    let client = common::bound_client(&relay.url()).await;
    let inbox = common::inbox_after(&client, None).await;
    assert_eq!(inbox.len(), 1, "one report arrived");
    let opened = open_document(reviewer("psd-1").identity(), &inbox[0].1[..], &mut DiscardAttachments).expect("opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.category, Some(Category::HonestyAndIntegrity));
    assert!(report.concern.concerning.is_empty(), "\"na\" is no: {:?}", report.concern.concerning);
    assert_eq!(report.concern.what, "He took cash from a seized wallet.");
    assert_eq!(report.sealed_to, ["psd-1", "psd-2", "acu-1"]);
    assert_eq!(report.thread_id, token.thread_id(), "the token printed is the report's");
    relay.shutdown().await;
}

/// `candour mailbox --lang cy`: the reply's heading, the offer to answer, the readers and the
/// outcome are in Welsh (the reviewer's own words as written), and the answer is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_speaks_welsh_when_asked() {
    let (relay, token, mut psd1, case, _cache) = a_report_with_a_question().await;

    // --lang wins over an English locale.
    let command = format!(
        "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE -u CANDOUR_LANG LANG=en_GB.UTF-8 {} mailbox --lang cy --relay {} \
         --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    let typed = format!("{}\nie\nIt was the 14th, about 3am.\n.\nie\n", token.to_words().as_str());
    let output = common::on_a_terminal(command, typed).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    for welsh in [
        "Eich tocyn 12 gair (ni chaiff ei ddangos wrth i chi deipio):",
        ", gan oruchwyliwr yn psd ---",
        "Which night was it?",
        "Eu hateb nawr? Dim ond darllenwyr eich adroddiad fydd yn ei gael. [i/N]",
        "Gorffennwch gyda llinell sy'n cynnwys dim ond atalnod llawn (.)",
        "Dim ond y bobl hyn fydd yn gallu ei ddarllen:",
        "Anfon hwn at y bobl hyn? [i/N]",
        "Wedi'i anfon. Mae'n ymuno ag achos eich adroddiad.",
    ] {
        assert!(screen.contains(welsh), "{welsh:?} missing: {screen}");
    }
    for english in ["Your 12-word token", "from a reviewer in", "Answer them now?", "Only these people", "Sent."] {
        assert!(!screen.contains(english), "{english:?} shown in English: {screen}");
    }
    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.follow_ups, 1, "{synced:?}");
    let answered = psd1.case(&case).expect("case");
    assert_eq!(answered.follow_ups[0].report.concern.what, "It was the 14th, about 3am.");
    relay.shutdown().await;
}
