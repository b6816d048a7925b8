//! Moving cases (docs/design.md §6 "Moving cases"), over a real loopback relay with the example
//! organisation: a Prevent concern the reporter sent to the PSD and ACU is transferred to Special
//! Branch with its whole history; it leaves every old reader's inbox and clocks; the reporter's
//! client, with the token alone, follows the signed change and its next follow-up reaches
//! Special Branch only. A reader can add a colleague, never someone the reporter excluded, and
//! a change made by hand outside the rules is refused by every reader's tool and by the
//! reporter's client alike. The relay holds ciphertext only throughout.

mod common;

use std::path::Path;

use candour_core::reader_change::ReaderChange;
use candour_core::report::{Category, Document, Receipt, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_core::wire::{CaseStreamId, SignatureHex};
use candour_review::clocks::overdue;
use candour_review::event::{heads, seal_event, Action, CaseEvent, EVENT_FORMAT};
use candour_review::ReviewSession;
use common::{
    concern, report_excluding, report_sent_on, reporter_follows_up, reporter_route, reviewer, session, today, Relay,
};
use ed25519_dalek::Signer as _;

fn case_of(token: &MailboxToken) -> String {
    candour_review::state::case_ref(&token.thread_id())
}

/// The files under `dir` holding `needle`, as text for the assertion messages.
fn scan_for(dir: &Path, needle: &str) -> Vec<String> {
    common::files_holding(dir, needle).iter().map(|p| p.display().to_string()).collect()
}

fn overdue_refs(s: &ReviewSession) -> Vec<String> {
    overdue(s.directory(), s.cases(), today()).into_iter().map(|o| o.case).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misrouted_prevent_concern_moves_to_special_branch_with_its_history_and_the_reporter_follows() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let canary = "CANARY-transfer-51c0 talks of travelling to fight";
    // Sent as "other", so it went to the PSD and the ACU; 10 days ago, so its clock is late.
    let token = report_sent_on(&relay.url, concern(Category::Other, canary), &[], today().plus_days(-10)).await;
    let case = case_of(&token);

    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    let mut acu1 = session(&relay.url, "acu-1", tmp.path()).await;
    let mut sb1 = session(&relay.url, "sb-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd1.record(&case, Action::Note { text: "this reads as a Prevent concern".into() }).await.expect("note");
    psd2.sync().await.expect("sync");
    psd2.record(&case, Action::Note { text: "agreed: Special Branch's".into() }).await.expect("note");
    let before = reporter_follows_up(&relay.url, &token, "CANARY-transfer-51c0 more detail").await;
    assert_eq!(before, ["psd-1", "psd-2", "acu-1", "acu-2"], "the report's own readers");
    assert_eq!(sb1.sync().await.expect("sync").reports, 0, "Special Branch has nothing yet");
    assert_eq!(sb1.cases().count(), 0);
    assert!(overdue_refs(&psd1).contains(&case), "its clock runs in the PSD");

    // Only a supervisor can move a case away from its readers.
    psd2.sync().await.expect("sync");
    let refused = psd2.transfer(&case, "sb-prevent", "Prevent").await.expect_err("psd-2 supervises nothing");
    assert_eq!(refused.code(), "case-move-refused", "{refused}");
    assert!(refused.to_string().contains("supervisor"), "{refused}");
    let refused = psd1.transfer(&case, "sb-prevent", "  ").await.expect_err("a transfer says why");
    assert_eq!(refused.code(), "case-move-refused", "{refused}");

    psd1.sync().await.expect("sync");
    let moved =
        psd1.transfer(&case, "sb-prevent", "a Prevent concern: Special Branch's alone").await.expect("transfer");
    assert_eq!(moved.readers, ["sb-1"]);
    assert_eq!(moved.added, ["sb-1"]);
    assert_eq!(moved.removed, ["acu-1", "acu-2", "psd-1", "psd-2"]);
    assert_eq!(moved.messages_copied, 2, "the report and the follow-up");
    assert!(moved.history_copied >= 4, "receipt, two notes and the transfer: {moved:?}");

    // Special Branch's tool takes the case in, with its whole verified history.
    let synced = sb1.sync().await.expect("sync");
    assert!(synced.tampered.is_empty() && synced.rejected.is_empty(), "{synced:?}");
    assert_eq!((synced.reports, synced.follow_ups), (1, 1), "{synced:?}");
    let file = sb1.case(&case).expect("sb-1 reads it");
    assert_eq!(file.report.as_ref().map(|r| r.report.concern.what.as_str()), Some(canary));
    let history: Vec<String> = file.state().history.iter().map(|h| h.what.clone()).collect();
    assert!(history.iter().any(|h| h.contains("this reads as a Prevent concern")), "{history:?}");
    assert!(history.iter().any(|h| h.contains("agreed: Special Branch's")), "{history:?}");
    assert!(history.iter().any(|h| h.starts_with("transferred to sb-prevent")), "{history:?}");
    assert!(!history.iter().any(|h| h.contains("REFUSED")), "{history:?}");
    assert_eq!(file.readers(), ["sb-1"]);
    assert!(sb1.cases().any(|c| c.case_ref() == case), "in sb-1's inbox");
    assert!(overdue_refs(&sb1).contains(&case), "its clock runs in Special Branch now");

    // It leaves every old reader's inbox and clocks; their caches keep the history to then.
    for s in [&mut psd1, &mut psd2, &mut acu1] {
        let synced = s.sync().await.expect("sync");
        assert!(synced.tampered.is_empty(), "the copies for sb-1 are explained by the transfer: {synced:?}");
        assert_eq!(s.cases().count(), 0, "{} no longer reads it", s.reviewer_id());
        assert_eq!(s.passed_on().count(), 1);
        assert!(!overdue_refs(s).contains(&case));
        let refused = s.record(&case, Action::Note { text: "still here".into() }).await.expect_err("passed on");
        assert_eq!(refused.code(), "case-passed-on", "{refused}");
    }

    // The reporter's client follows the signed change: the next follow-up reaches sb-1 only.
    let route = reporter_route(&relay.url, &token).await;
    assert_eq!(route.readers, ["sb-1"]);
    assert!(route.refused_changes.is_empty() && route.proposed.is_empty(), "{route:?}");
    let notes = route.notes().join("\n");
    assert!(notes.contains("psd-1 passed your report on to sb-1"), "{notes}");
    let after = reporter_follows_up(&relay.url, &token, "CANARY-transfer-51c0 a name").await;
    assert_eq!(after, ["sb-1"]);
    let synced = sb1.sync().await.expect("sync");
    assert_eq!(synced.follow_ups, 1, "{synced:?}");
    assert!(synced.flagged.is_empty(), "the follow-up's reader changes check out: {synced:?}");
    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.follow_ups, 0, "psd-1 can no longer read what the reporter sends");
    assert_eq!(psd1.case(&case).expect("kept").follow_ups.len(), 1, "only the follow-up from before");

    // sb-1 replies; the reply carries the change, so the route holds after older messages go.
    sb1.reply(&case, "Special Branch has your report.", candour_review::event::ReplyKind::Acknowledgement)
        .await
        .expect("reply");
    assert_eq!(reporter_route(&relay.url, &token).await.readers, ["sb-1"]);

    // Whoever seizes the relay's disk finds ciphertext only.
    assert_eq!(scan_for(relay.data_path(), "CANARY-transfer-51c0"), Vec::<String>::new());
    assert!(!scan_for(relay.data_path(), "age-encryption.org/v1").is_empty(), "the scan sees the stored envelopes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_excluded_reviewer_is_never_added_and_a_change_outside_the_rules_applies_nowhere() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let token = report_excluding(&relay.url, concern(Category::Other, "the sergeant's overtime"), &["psd-2"]).await;
    let case = case_of(&token);
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut acu2 = session(&relay.url, "acu-2", tmp.path()).await;
    psd1.sync().await.expect("sync");
    acu2.sync().await.expect("sync");

    let refused = psd1.add_reader(&case, "psd-2", "a second pair of eyes").await.expect_err("excluded");
    assert_eq!(refused.code(), "case-move-refused", "{refused}");
    assert!(refused.to_string().contains("excluded"), "{refused}");

    // acu-2 writes, by hand, a signed change that adds psd-2 and drops psd-1, and records it.
    let dir = acu2.directory().clone();
    let file = acu2.case(&case).expect("case").clone();
    let me = reviewer("acu-2");
    let mut forged = ReaderChange {
        thread_id: token.thread_id(),
        author: "acu-2".into(),
        signing_key: candour_core::keys::PublicSigningKey(me.signing_key().verifying_key()),
        day: today(),
        directory_version: dir.directory().version,
        before: vec!["acu-1".into(), "acu-2".into(), "psd-1".into()],
        after: vec!["acu-1".into(), "acu-2".into(), "psd-2".into()],
        signature: SignatureHex([0; 64]),
    };
    forged.signature = SignatureHex(me.signing_key().sign(&forged.signed_bytes()).to_bytes());
    let event = CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: token.thread_id(),
        author: "acu-2".into(),
        day: today(),
        directory_version: Some(dir.directory().version),
        parents: heads(&file.events),
        action: Action::AddReader { reviewer: "psd-2".into(), change: forged.clone(), note: "by hand".into() },
    };
    let (sealed, _) = seal_event(&dir, &file.readers(), &event, me.signing_key()).expect("seal");
    let stream = CaseStreamId::for_thread(&token.thread_id());
    acu2.client().case_append(me.signing_key(), &stream, sealed).await.expect("the relay takes it");
    // ... and files a receipt carrying it in the reporter's mailbox.
    let reported = file.report.as_ref().expect("report").report.clone();
    let receipt = Document::Receipt(Receipt {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        reviewer: "acu-2".into(),
        day_sent: today(),
        thread_recipients: forged.after.clone(),
        route: reported.route.clone(),
        directory_version: Some(dir.directory().version),
        reader_changes: vec![forged.clone()],
    });
    let sealed = candour_core::message::seal_document(
        &[reported.reply_recipient.parse().expect("recipient")],
        dir.directory().stanzas,
        &receipt,
        vec![],
        me.signing_key(),
        Vec::new(),
    )
    .expect("seal");
    acu2.client().mailbox_append(me.signing_key(), &reported.mailbox, sealed).await.expect("append");

    // Every reader's tool refuses it: psd-1 still reads the case, psd-2 never does.
    let synced = psd1.sync().await.expect("sync");
    assert!(synced.flagged.iter().any(|f| f.contains("reader-change-excluded")), "{synced:?}");
    assert!(psd1.cases().any(|c| c.case_ref() == case), "psd-1 still reads it");
    assert_eq!(psd1.case(&case).expect("case").readers(), ["psd-1", "acu-1", "acu-2"]);
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    let synced = psd2.sync().await.expect("sync");
    assert_eq!((synced.reports, psd2.cases().count()), (0, 0), "{synced:?}");
    // The reporter's client refuses it too, and says so.
    let route = reporter_route(&relay.url, &token).await;
    assert_eq!(route.readers, ["psd-1", "acu-1", "acu-2"]);
    assert_eq!(route.refused_changes.len(), 1, "{route:?}");
    assert_eq!(route.refused_changes[0].1.code(), "reader-change-excluded");

    // Adding a colleague is any reader's to do: acu-2 adds pcc-1, who then reads everything.
    acu2.sync().await.expect("sync");
    let moved = acu2.add_reader(&case, "pcc-1", "the PCC's office asked to see it").await.expect("add");
    assert_eq!(moved.added, ["pcc-1"]);
    assert!(moved.removed.is_empty());
    let mut pcc1 = session(&relay.url, "pcc-1", tmp.path()).await;
    let synced = pcc1.sync().await.expect("sync");
    assert!(synced.tampered.is_empty(), "{synced:?}");
    assert_eq!(synced.reports, 1, "{synced:?}");
    let history: Vec<String> = pcc1.case(&case).expect("case").state().history.iter().map(|h| h.what.clone()).collect();
    assert!(history.iter().any(|h| h.starts_with("pcc-1 added as a reader")), "{history:?}");
    assert!(history.iter().any(|h| h.contains("REFUSED")), "pcc-1 sees the forged change refused too: {history:?}");
    for s in [&mut psd1, &mut acu2] {
        let synced = s.sync().await.expect("sync");
        assert!(synced.tampered.is_empty(), "{synced:?}");
        assert!(s.cases().any(|c| c.case_ref() == case), "{} still reads it", s.reviewer_id());
    }
    let sealed_to = reporter_follows_up(&relay.url, &token, "one more thing").await;
    assert_eq!(sealed_to, ["psd-1", "acu-1", "acu-2", "pcc-1"]);
    assert_eq!(pcc1.sync().await.expect("sync").follow_ups, 1);
    assert_eq!(psd1.sync().await.expect("sync").follow_ups, 1);
}

/// An operator who swaps the case's report on the relay's disk for another report to the same
/// readers cannot make a transfer carry the wrong report: the supervisor's tool compares what it
/// downloads with what it filed and refuses, and nothing reaches the new readers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_refuses_a_report_the_relay_swapped_and_writes_nothing() {
    use candour_relay::store::{Place, Store as _};
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let moved_token = common::report(&relay.url, concern(Category::Other, "CANARY-swap-moved")).await;
    let _other = common::report(&relay.url, concern(Category::Other, "CANARY-swap-other")).await;
    let case = case_of(&moved_token);
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    assert_eq!(psd1.sync().await.expect("sync").reports, 2);
    let inbox = store.list(Place::Inbox, None, 10).expect("list");
    assert_eq!(inbox.len(), 2);
    let stream = Place::Case(CaseStreamId::for_thread(&moved_token.thread_id()));
    let history_before = store.list(stream, None, 100).expect("list").len();

    // The first entry is the moved case's report; the operator serves the other one in its place.
    store.serve_instead(Place::Inbox, inbox[0].seq.0, inbox[1].seq.0);
    let refused = psd1.transfer(&case, "sb-prevent", "a Prevent concern").await.expect_err("swapped");
    assert_eq!(refused.code(), "refetched", "{refused}");
    assert!(refused.to_string().contains("another document"), "{refused}");
    assert_eq!(store.list(Place::Inbox, None, 10).expect("list").len(), 2, "no copy was uploaded");
    assert_eq!(store.list(stream, None, 100).expect("list").len(), history_before, "no transfer was recorded");
    let mut sb1 = session(&relay.url, "sb-1", tmp.path()).await;
    assert_eq!(sb1.sync().await.expect("sync").reports, 0, "Special Branch received nothing");

    // With the disk put right, the same transfer goes through and carries the right report.
    store.serve_instead(Place::Inbox, inbox[0].seq.0, inbox[0].seq.0);
    psd1.transfer(&case, "sb-prevent", "a Prevent concern").await.expect("transfer");
    assert_eq!(sb1.sync().await.expect("sync").reports, 1);
    let filed = sb1.case(&case).expect("sb-1 reads it");
    assert_eq!(filed.report.as_ref().map(|r| r.report.concern.what.as_str()), Some("CANARY-swap-moved"));
}
