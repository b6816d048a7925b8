//! Escalation beyond the unit (docs/design.md §6), over a real loopback relay with the example
//! organisation: a late case's sanitised notice reaches those the directory names outside the
//! handling team (psd and acu: psd-head and dcc; sb-prevent: sb-head), carries no word of the
//! report, is sent once per missed duty, passes over whoever the report names, and a notice
//! anyone else forges is refused.

mod common;

use candour_client::RelayClient;
use candour_core::message::seal_document;
use candour_core::report::{Category, Concern, Document, EscalationNotice, Subject, SCHEMA_VERSION};
use candour_review::session::Escalated;
use candour_review::ReviewSession;
use common::{concern, report_sent_on, reviewer, session, today, Relay};

const CANARY: &str = "CANARY-7731 kicked the detainee in cell 4";

fn case_of(thread: candour_core::wire::ThreadId) -> String {
    candour_review::state::case_ref(&thread)
}

async fn synced(url: &str, id: &str, cache: &std::path::Path) -> ReviewSession {
    let mut s = session(url, id, cache).await;
    let r = s.sync().await.expect("sync");
    assert!(r.tampered.is_empty() && r.malformed.is_empty(), "{id}: {r:?}");
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_case_is_told_outside_the_unit_once_and_without_its_words() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    // Sent nine days ago: the acknowledgement was due two days ago.
    let sent = today().plus_days(-9);
    let token = report_sent_on(&relay.url, concern(Category::UseOfForce, CANARY), &[], sent).await;
    let case = case_of(token.thread_id());

    let mut psd2 = synced(&relay.url, "psd-2", tmp.path()).await;
    let late = candour_review::clocks::overdue(psd2.directory(), psd2.cases(), today());
    assert_eq!(late[0].notify_outside, ["psd-head", "dcc"], "the board says who will be told");
    let Escalated::Recorded { outside, .. } = psd2.escalate_if_overdue(&case).await.expect("escalate") else {
        panic!("recorded")
    };
    assert_eq!(
        (outside.to.as_slice(), outside.passed_over.is_empty()),
        (&["psd-head".to_owned(), "dcc".to_owned()][..], true)
    );
    // Twice: one escalation, one notice.
    assert!(matches!(psd2.escalate_if_overdue(&case).await.expect("again"), Escalated::Already { .. }));
    let history = candour_review::views::show(psd2.directory(), psd2.case(&case).expect("case"), psd2.cases());
    let said = serde_json::to_string(&history).expect("json");
    assert!(said.contains("notice sent outside the unit to psd-head, dcc"), "the history says who was told: {said}");

    for id in ["psd-head", "dcc"] {
        let mut s = synced(&relay.url, id, tmp.path()).await;
        assert_eq!(s.cases().count(), 0, "{id} cannot read the case");
        let got = s.escalations();
        assert_eq!(got.len(), 1, "{id}: one notice for one missed duty");
        let n = &got[0].notice;
        assert_eq!(
            (n.case.as_str(), n.duty.as_str(), n.due, n.days_late, n.escalated_on, n.reviewer.as_str()),
            (case.as_str(), "acknowledge", sent.plus_days(7), 2, today(), "psd-2")
        );
        assert_eq!(n.queues, ["psd", "acu"]);
        let stored = serde_json::to_string(got).expect("json");
        assert!(!stored.contains("CANARY") && !stored.contains("detainee"), "{id}: no word of the report: {stored}");
        // Seen once, it stays one notice and is no longer new.
        s.mark_escalations_seen().expect("seen");
        let again = s.sync().await.expect("sync again");
        assert_eq!((again.escalations, s.escalations().len(), s.escalations()[0].seen), (0, 1, true));
    }
    // Nobody else gets one: not the readers, not Special Branch's head, not the PCC's office.
    for id in ["psd-1", "acu-1", "sb-head", "pcc-ce"] {
        let s = synced(&relay.url, id, tmp.path()).await;
        assert!(s.escalations().is_empty(), "{id} was not named for this case");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_reported_on_is_never_sent_the_notice() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let sent = today().plus_days(-9);
    // The report names the Deputy Chief Constable by another name the directory knows.
    let about_dcc = Concern {
        subjects: vec![Subject { name: Some("Andy Pryce".into()), ..Default::default() }],
        ..concern(Category::DiscreditableConduct, "Pressured a witness")
    };
    let token = report_sent_on(&relay.url, about_dcc, &[], sent).await;
    // The reporter may exclude an escalation recipient as they may a reader.
    let excluding_head =
        report_sent_on(&relay.url, concern(Category::Confidentiality, "Leaked a name"), &["psd-head"], sent).await;
    // A Prevent concern escalates to Special Branch's own head only.
    let prevent = report_sent_on(&relay.url, concern(Category::PreventConcern, "Leaflets"), &[], sent).await;

    let mut psd1 = synced(&relay.url, "psd-1", tmp.path()).await;
    let Escalated::Recorded { outside, .. } =
        psd1.escalate_if_overdue(&case_of(token.thread_id())).await.expect("escalate")
    else {
        panic!("recorded")
    };
    assert_eq!(outside.to, ["psd-head"]);
    assert_eq!(outside.passed_over, [("dcc".to_owned(), "named in the report".to_owned())]);
    let Escalated::Recorded { outside, .. } =
        psd1.escalate_if_overdue(&case_of(excluding_head.thread_id())).await.expect("escalate")
    else {
        panic!("recorded")
    };
    assert_eq!(outside.to, ["dcc"]);
    assert_eq!(outside.passed_over, [("psd-head".to_owned(), "excluded by the reporter".to_owned())]);
    let mut sb1 = synced(&relay.url, "sb-1", tmp.path()).await;
    let Escalated::Recorded { outside, .. } =
        sb1.escalate_if_overdue(&case_of(prevent.thread_id())).await.expect("escalate")
    else {
        panic!("recorded")
    };
    assert_eq!(outside.to, ["sb-head"]);

    let dcc = synced(&relay.url, "dcc", tmp.path()).await;
    let told: Vec<&str> = dcc.escalations().iter().map(|e| e.notice.case.as_str()).collect();
    assert_eq!(told, [case_of(excluding_head.thread_id())], "the DCC, named in the other report, learns nothing of it");
    let head = synced(&relay.url, "psd-head", tmp.path()).await;
    let told: Vec<&str> = head.escalations().iter().map(|e| e.notice.case.as_str()).collect();
    assert_eq!(told, [case_of(token.thread_id())], "the head of PSD: not the case excluding them, nor the Prevent one");
    let sb_head = synced(&relay.url, "sb-head", tmp.path()).await;
    assert_eq!(sb_head.escalations().iter().map(|e| e.notice.queues.clone()).collect::<Vec<_>>(), [["sb-prevent"]]);
}

/// Anyone may append to the inbox, so anyone can seal a notice to the DCC: only one signed by
/// the reviewer it names, who reads a queue it is about, is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_notice_is_refused() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let client = RelayClient::new(&relay.url, None).expect("client");
    let dir = client.directory(&common::policy()).await.expect("directory");
    let dcc_key = dir.reviewer("dcc").and_then(|r| r.x25519_recipient()).expect("dcc key");
    let notice = |author: &str| EscalationNotice {
        schema: SCHEMA_VERSION,
        case: "C-0000000000".into(),
        queues: vec!["psd".into()],
        duty: "acknowledge".into(),
        due: today().plus_days(-3),
        escalated_on: today(),
        days_late: 3,
        reviewer: author.into(),
        assignee: None,
        sealed_to: vec!["dcc".into()],
        directory_version: dir.directory().version,
    };
    let stranger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let sb1 = reviewer("sb-1");
    for (document, key) in [
        // Claims psd-1 but is signed by a stranger's key.
        (notice("psd-1"), &stranger),
        // Signed by a real reviewer, who reads none of the queues it names.
        (notice("sb-1"), sb1.signing_key()),
    ] {
        let sealed = seal_document(
            std::slice::from_ref(&dcc_key),
            dir.directory().stanzas,
            &Document::EscalationNotice(document),
            vec![],
            key,
            vec![],
        )
        .expect("seal");
        let solution = client.solve_challenge(sealed.len() as u64).await.expect("pow");
        client.submit(&solution, sealed.into()).await.expect("the relay stores anything of its shape");
    }
    let mut dcc = session(&relay.url, "dcc", tmp.path()).await;
    let r = dcc.sync().await.expect("sync");
    assert!(dcc.escalations().is_empty(), "{r:?}");
    let codes: Vec<&str> = r.rejected.iter().filter_map(|m| m.rsplit('(').next()).collect();
    assert_eq!(codes, ["escalation-not-by-author)", "escalation-author-outside-queues)"], "{r:?}");
}
