//! The directory over time: a reviewer's tool never goes back to an older directory or accepts
//! a second one under the same version, and rotating a reviewer's key keeps what they signed
//! before verifiable, from an empty cache, by colleagues and by the reporter.

mod common;

use age::secrecy::SecretString;
use candour_core::directory::{self, Directory, RetiredKey, TrustPolicy, VerifiedDirectory};
use candour_core::keys::{ReviewerSecret, RootSecretKey, SecretKeyFile};
use candour_review::client::ReviewClient;
use candour_review::event::ReplyKind;
use candour_review::session::ReviewError;
use candour_review::triage::TriageChange;
use candour_review::ReviewSession;
use candour_submit::mailbox::open_reply;

fn example_root() -> RootSecretKey {
    let pass = SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(common::keys_example().join("root.key")).expect("root.key");
    match SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") {
        SecretKeyFile::Root(r) => r,
        SecretKeyFile::Reviewer(_) => panic!("not a root key"),
    }
}

fn example_document() -> Directory {
    let bytes = std::fs::read(common::keys_example().join("directory.unsigned.json")).expect("unsigned");
    serde_json::from_slice(&bytes).expect("parses")
}

/// The document signed by the example root and verified as a reviewer's tool would.
fn signed(doc: &Directory) -> VerifiedDirectory {
    let served = directory::sign(&serde_json::to_vec_pretty(doc).expect("json"), &example_root()).expect("signs");
    let policy = TrustPolicy { min_version: 0, ..common::policy() };
    directory::verify(&served, &policy).expect("verifies")
}

/// A reporter sends a report and psd-1's tool takes it in (filing a receipt event signed by
/// psd-1's current key); returns the token, the case reference and psd-1's session.
async fn reported_and_received(
    url: &str,
    what: &str,
    cache: &std::path::Path,
) -> (candour_core::token::MailboxToken, String, ReviewSession) {
    let token = common::report(url, common::concern(candour_core::report::Category::HonestyAndIntegrity, what)).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let mut psd1 = common::session(url, "psd-1", cache).await;
    psd1.sync().await.expect("sync");
    (token, case, psd1)
}

/// The next directory after `current`, in which psd-1 holds `fresh`'s keys; their old signing
/// key is kept as retired (up to `current`'s version and today) when `keep_retired`.
fn rotated_psd1(current: &Directory, fresh: &ReviewerSecret, keep_retired: bool) -> Directory {
    let old_key = current.reviewers.iter().find(|r| r.id == "psd-1").expect("psd-1").signing_key;
    let mut next = current.clone();
    next.version += 1;
    let entry = next.reviewers.iter_mut().find(|r| r.id == "psd-1").expect("psd-1");
    entry.signing_key = fresh.public_signing_key();
    entry.recipients[0].key = fresh.recipient().to_string();
    if keep_retired {
        next.retired.push(RetiredKey {
            id: "psd-1".into(),
            signing_key: old_key,
            until_version: current.version,
            until_day: common::today(),
        });
    }
    next
}

fn open(url: &str, id: &str, dir: VerifiedDirectory, cache: &std::path::Path) -> Result<ReviewSession, ReviewError> {
    let client = ReviewClient::new(url, None).expect("client");
    ReviewSession::open(common::reviewer(id), dir, client, &cache.join(format!("{id}.cache")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_or_forked_directory_is_refused_after_a_newer_one_was_seen() {
    let relay = common::Relay::start().await;
    let cache = tempfile::tempdir().expect("cache");
    let current = example_document();
    let mut newer = current.clone();
    newer.version += 1;
    let mut fork = current.clone();
    fork.relay.https = "https://relay.elsewhere.example".into();

    open(&relay.url, "psd-1", signed(&current), cache.path()).expect("the first directory is taken");
    // The same version with other contents: somebody is showing people different directories.
    let forked = open(&relay.url, "psd-1", signed(&fork), cache.path()).expect_err("a fork is refused");
    assert_eq!(forked.code(), "directory-forked", "{forked}");
    // Re-signing the same document (another root's signature added, say) is not a fork.
    open(&relay.url, "psd-1", signed(&current), cache.path()).expect("the same directory again");
    open(&relay.url, "psd-1", signed(&newer), cache.path()).expect("a newer one is taken");
    let rolled = open(&relay.url, "psd-1", signed(&current), cache.path()).expect_err("rollback is refused");
    assert_eq!(rolled.code(), "directory-rolled-back", "{rolled}");
    assert!(rolled.to_string().contains(&format!("already accepted version {}", newer.version)), "{rolled}");
    // Another reviewer's tool has its own memory.
    open(&relay.url, "psd-2", signed(&current), cache.path()).expect("psd-2 has seen nothing newer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_signed_by_a_rotated_key_still_verifies_from_an_empty_cache() {
    let relay = common::Relay::start().await;
    let cache = tempfile::tempdir().expect("cache");
    let (token, case, mut psd1) =
        reported_and_received(&relay.url, "Expenses claimed for shifts not worked", cache.path()).await;
    psd1.triage(&case, TriageChange { priority: Some("high".parse().expect("p")), ..Default::default() })
        .await
        .expect("triage");
    psd1.reply(&case, "Thank you: we are looking into it.", ReplyKind::Acknowledgement).await.expect("reply");
    drop(psd1);

    // psd-1 rotates both keys; the next directory keeps the old signing key as retired.
    let current = example_document();
    let old_key = current.reviewers.iter().find(|r| r.id == "psd-1").expect("psd-1").signing_key;
    let fresh = ReviewerSecret::generate("psd-1");
    let rotate = |keep_retired: bool| signed(&rotated_psd1(&current, &fresh, keep_retired));

    // Without the retired key, psd-1's past work reads as forged: what rotation did before.
    let without = tempfile::tempdir().expect("cache");
    let mut psd2 = open(&relay.url, "psd-2", rotate(false), without.path()).expect("session");
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.tampered.len(), 1, "{synced:?}");
    assert!(synced.tampered[0].1.contains("signed by a foreign key"), "{synced:?}");

    // With it, a colleague with an empty cache verifies the whole history.
    let rotated = rotate(true);
    let empty = tempfile::tempdir().expect("cache");
    let mut psd2 = open(&relay.url, "psd-2", rotated.clone(), empty.path()).expect("session");
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.tampered, Vec::<(String, String)>::new(), "{synced:?}");
    let state = psd2.case(&case).expect("case").state();
    assert_eq!(state.priority, "high".parse().expect("priority"));

    // The reporter, with the token alone, still reads psd-1's reply as psd-1's.
    let client = common::bound_client(&relay.url).await;
    let mut replies = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        replies.push(open_reply(&rotated, &token, &bytes));
    }
    assert!(replies.iter().all(Result::is_ok), "{replies:?}");
    assert!(replies.iter().flatten().any(|r| r.reviewer == "psd-1" && r.text.starts_with("Thank you")));

    // A retired key signs nothing new: not after its last day, not under a later directory.
    let later = common::today().plus_days(1);
    assert!(rotated.signed_by_author("psd-1", &old_key, common::today(), Some(current.version)));
    assert!(!rotated.signed_by_author("psd-1", &old_key, later, None));
    assert!(!rotated.signed_by_author("psd-1", &old_key, common::today(), Some(current.version + 1)));
    assert!(!rotated.signed_by_author("psd-2", &old_key, common::today(), None), "and only for its holder");
    assert!(rotated.reviewer_by_signing_key(&old_key).is_none(), "nor is it anyone's key for requests or sealing");
}

/// Whoever holds psd-1's retired key (a stolen laptop, the reason for the rotation) tries to
/// add to a case on the very day of the rotation, when the key's day bound still admits it. A
/// format 2 event names its directory version: claiming the new version fails the key's bound
/// (the entry reads as forged), and claiming the old one while following an event made under
/// the new directory is marked and not applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retired_key_cannot_add_to_history_on_the_day_it_was_retired() {
    use candour_core::wire::CaseStreamId;
    use candour_review::event::{heads, seal_event, Action, CaseEvent, EVENT_FORMAT};
    let relay = common::Relay::start().await;
    let cache = tempfile::tempdir().expect("cache");
    let (token, case, psd1) = reported_and_received(&relay.url, "Seized cash went missing", cache.path()).await;
    drop(psd1);
    let current = example_document();
    let next = rotated_psd1(&current, &ReviewerSecret::generate("psd-1"), true);
    let rotated = signed(&next);

    // psd-2 works the case under the new directory: its event names version `next.version`.
    let psd2_cache = tempfile::tempdir().expect("cache");
    let mut psd2 = open(&relay.url, "psd-2", rotated.clone(), psd2_cache.path()).expect("session");
    psd2.sync().await.expect("sync");
    psd2.triage(&case, TriageChange { priority: Some("high".parse().expect("p")), ..Default::default() })
        .await
        .expect("triage");
    let case_file = psd2.case(&case).expect("case");
    let (readers, parents) = (case_file.readers(), heads(&case_file.events));
    assert_eq!(case_file.events.last().and_then(|e| e.event.directory_version), Some(next.version));

    let thief = common::reviewer("psd-1");
    let stream = CaseStreamId::for_thread(&token.thread_id());
    let forge = |version: u64, status: &str| CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: token.thread_id(),
        author: "psd-1".into(),
        day: common::today(),
        directory_version: Some(version),
        parents: parents.clone(),
        action: Action::Triage {
            change: TriageChange { status: Some(status.parse().expect("status")), ..Default::default() },
        },
    };
    // Claiming the old directory while following an event made under the new one.
    let (sealed, _) =
        seal_event(&rotated, &readers, &forge(current.version, "closed:no-case-to-answer"), thief.signing_key())
            .expect("seals");
    psd2.client().case_append(common::reviewer("psd-2").signing_key(), &stream, sealed).await.expect("appends");
    let fresh_cache = tempfile::tempdir().expect("cache");
    let mut colleague = open(&relay.url, "psd-2", rotated.clone(), fresh_cache.path()).expect("session");
    let synced = colleague.sync().await.expect("sync");
    assert!(synced.tampered.is_empty(), "{synced:?}");
    assert_eq!(synced.flagged.len(), 1, "{synced:?}");
    assert!(synced.flagged[0].contains("older than the event it follows"), "{synced:?}");
    let state = colleague.case(&case).expect("case").state();
    assert_eq!(state.status, "received".parse().expect("status"), "the retired key's close is not applied");

    // Claiming the new directory: the retired key is not valid for it, so the entry is forged.
    let (sealed, _) =
        seal_event(&rotated, &readers, &forge(next.version, "closed:no-case-to-answer"), thief.signing_key())
            .expect("seals");
    psd2.client().case_append(common::reviewer("psd-2").signing_key(), &stream, sealed).await.expect("appends");
    let synced = colleague.sync().await.expect("sync");
    assert_eq!(synced.tampered.len(), 1, "{synced:?}");
    assert!(synced.tampered[0].1.contains("signed by a foreign key"), "{synced:?}");
}

#[test]
fn a_retired_key_cannot_be_current_or_retired_twice() {
    let mut doc = example_document();
    let psd1 = doc.reviewers.iter().find(|r| r.id == "psd-1").expect("psd-1").signing_key;
    doc.version += 1;
    doc.retired.push(RetiredKey {
        id: "psd-2".into(),
        signing_key: psd1,
        until_version: 1,
        until_day: common::today(),
    });
    let err = directory::validate(&doc).expect_err("someone's current key cannot be retired");
    assert!(err.to_string().contains("also the key of psd-1"), "{err}");
    let mut doc = example_document();
    let spare = ReviewerSecret::generate("x").public_signing_key();
    let retired =
        RetiredKey { id: "psd-1".into(), signing_key: spare, until_version: doc.version, until_day: common::today() };
    doc.retired.push(retired);
    let err = directory::validate(&doc).expect_err("it must have been retired before this version");
    assert!(err.to_string().contains("not before this version"), "{err}");
}

/// psd-1 rotates both keys. Under the new directory, their tool with an empty cache opens the
/// report sealed to their old key only when it holds the old identity (for decryption only), and
/// their new key signs what they do next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_reviewer_still_opens_what_was_sealed_to_their_old_key() {
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let before = common::relay_over(store.clone()).await;
    let cache = tempfile::tempdir().expect("cache");
    let (_token, case, psd1) = reported_and_received(&before.url, "Overtime claimed for a day off", cache.path()).await;
    drop(psd1);

    let current = example_document();
    let old = common::reviewer("psd-1");
    let fresh = ReviewerSecret::generate("psd-1");
    let mut next = current.clone();
    next.version += 1;
    let entry = next.reviewers.iter_mut().find(|r| r.id == "psd-1").expect("psd-1");
    entry.signing_key = fresh.public_signing_key();
    entry.recipients[0].key = fresh.recipient().to_string();
    next.retired.push(RetiredKey {
        id: "psd-1".into(),
        signing_key: old.public_signing_key(),
        until_version: current.version,
        until_day: common::today(),
    });
    let served = directory::sign(&serde_json::to_vec_pretty(&next).expect("json"), &example_root()).expect("signs");
    let folder = tempfile::tempdir().expect("tmp");
    std::fs::write(folder.path().join("directory.json"), &served).expect("write");
    let after = common::relay_serving(store.clone(), &folder.path().join("directory.json")).await;
    let rotated = signed(&next);

    // The new keys as psd-1 keeps them: a key file, unlocked once per session.
    let pass = SecretString::from("a passphrase long enough for a key file".to_owned());
    let mut key_file = Vec::new();
    SecretKeyFile::Reviewer(fresh).write_protected(&pass, 10, &mut key_file).expect("key file");
    let open_as = |retired: Vec<age::x25519::Identity>, path: &std::path::Path| {
        let secret = match SecretKeyFile::read_protected(&key_file[..], &pass).expect("unlocks") {
            SecretKeyFile::Reviewer(r) => r,
            SecretKeyFile::Root(_) => panic!("not a reviewer key"),
        };
        ReviewSession::open_with_retired(
            secret,
            retired,
            rotated.clone(),
            ReviewClient::new(&after.url, None).expect("client"),
            &path.join("psd-1.cache"),
        )
        .expect("session")
    };
    // Without the old identity the report is simply not theirs to read any more.
    let empty = tempfile::tempdir().expect("cache");
    let mut without = open_as(vec![], empty.path());
    let synced = without.sync().await.expect("sync");
    assert_eq!((synced.reports, without.cases().count()), (0, 0), "{synced:?}");

    let empty = tempfile::tempdir().expect("cache");
    let mut with = open_as(vec![old.identity().clone()], empty.path());
    let synced = with.sync().await.expect("sync");
    assert_eq!(synced.reports, 1, "{synced:?}");
    assert_eq!(synced.tampered, Vec::<(String, String)>::new(), "the old key's receipt event verifies: {synced:?}");
    // What psd-1 does now is signed with the new key and verifies for a colleague.
    with.triage(&case, TriageChange { priority: Some("urgent".parse().expect("p")), ..Default::default() })
        .await
        .expect("triage with the new key");
    let empty = tempfile::tempdir().expect("cache");
    let mut psd2 = open(&after.url, "psd-2", rotated, empty.path()).expect("session");
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.tampered, Vec::<(String, String)>::new(), "{synced:?}");
    assert_eq!(psd2.case(&case).expect("case").state().priority, "urgent".parse().expect("p"));
}

/// A reviewer who leaves is removed from the directory: the open cases assigned to them, or
/// that their key could read, are listed for a supervisor to reassign to the readers still here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leavers_open_cases_are_listed_for_reassignment() {
    use candour_core::report::Category;
    use candour_review::triage::Assignment;
    use candour_review::views::leavers;
    let relay = common::Relay::start().await;
    let cache = tempfile::tempdir().expect("cache");
    let (_, case, mut psd1) = reported_and_received(&relay.url, "Left the custody door open", cache.path()).await;
    let other = common::report(&relay.url, common::concern(Category::Other, "A closed matter")).await;
    let closed = candour_review::state::case_ref(&other.thread_id());
    psd1.sync().await.expect("sync");
    let assign = TriageChange { assignee: Some(Assignment::Reviewer("psd-2".into())), ..Default::default() };
    psd1.triage(&case, assign).await.expect("assign");
    let close =
        TriageChange { status: Some("closed:no-case-to-answer".parse().expect("status")), ..Default::default() };
    psd1.triage(&closed, close).await.expect("close");
    assert!(leavers(psd1.directory(), psd1.cases()).is_empty(), "nobody has left yet");

    // psd-2 leaves: the next directory has no psd-2.
    let mut next = example_document();
    next.version += 1;
    next.reviewers.retain(|r| r.id != "psd-2");
    drop(psd1);
    let psd1 = open(&relay.url, "psd-1", signed(&next), cache.path()).expect("the newer directory");
    let listed = leavers(psd1.directory(), psd1.cases());
    assert_eq!(listed.len(), 1, "the open case only, not the closed one: {listed:?}");
    assert_eq!(listed[0].case, case);
    assert_eq!(listed[0].assigned_to_leaver.as_deref(), Some("psd-2"));
    assert_eq!(listed[0].leavers, ["psd-2"]);
    assert_eq!(listed[0].remaining, ["psd-1", "acu-1", "acu-2"], "the readers still here");
}

/// psd-2 leaves and psd-3 joins: a supervisor hands psd-2's place on their open case to psd-3,
/// whose tool then reads the report and its whole history, holds psd-2's assignment, and
/// receives the reporter's next follow-up; psd-2's key no longer does. A reviewer still in the
/// directory, or a successor the reporter excluded, is refused, as is a non-supervisor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_hands_a_leavers_place_to_their_successor() {
    use candour_core::envelope::DiscardAttachments;
    use candour_core::message::open_document;
    use candour_core::report::Category;
    use candour_core::wire::CaseStreamId;
    use candour_relay::store::{Place, Store as _};
    use candour_review::triage::Assignment;
    use candour_review::views::leavers;
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let before = common::relay_over(store.clone()).await;
    let cache = tempfile::tempdir().expect("cache");
    let canary = "CANARY-handover-7e21 the sergeant's overtime";
    let token = common::report(&before.url, common::concern(Category::Other, canary)).await;
    let excluding = common::report_excluding(
        &before.url,
        common::concern(Category::Other, "CANARY-handover-7e21 the other matter"),
        &["acu-2"],
    )
    .await;
    let case = candour_review::state::case_ref(&token.thread_id());
    let other = candour_review::state::case_ref(&excluding.thread_id());
    let mut psd1 = common::session(&before.url, "psd-1", cache.path()).await;
    psd1.sync().await.expect("sync");
    let assign = TriageChange { assignee: Some(Assignment::Reviewer("psd-2".into())), ..Default::default() };
    psd1.triage(&case, assign).await.expect("assign");
    psd1.record(&case, candour_review::event::Action::Note { text: "psd-2 to see the duty rota".into() })
        .await
        .expect("note");
    drop(psd1);

    // The next directory: psd-2 has left, psd-3 has joined the PSD.
    let successor = ReviewerSecret::generate("psd-3");
    let mut next = example_document();
    next.not_after = common::today().plus_days(30);
    common::fresh::leaver_replaced(&mut next, "psd-2", &successor);
    let served = directory::sign(&serde_json::to_vec_pretty(&next).expect("json"), &example_root()).expect("signs");
    let folder = tempfile::tempdir().expect("tmp");
    std::fs::write(folder.path().join("directory.json"), &served).expect("write");
    let after = common::relay_serving(store.clone(), &folder.path().join("directory.json")).await;
    let mut psd1 = open(&after.url, "psd-1", signed(&next), cache.path()).expect("psd-1 under the new directory");
    psd1.sync().await.expect("sync");
    let listed = leavers(psd1.directory(), psd1.cases());
    assert_eq!(listed.len(), 2, "both open cases psd-2 could read: {listed:?}");

    // Refusals first: nothing is recorded for any of them.
    let stream = Place::Case(CaseStreamId::for_thread(&token.thread_id()));
    let events_before = store.list(stream, None, 100).expect("list").len();
    for (from, to, note, why) in [
        ("acu-1", "psd-3", "moving on", "still in the directory"),
        ("psd-2", "psd-9", "moving on", "no reviewer psd-9"),
        ("psd-2", "psd-3", "  ", "say why"),
        ("psd-1", "psd-3", "moving on", "still in the directory"),
    ] {
        let refused = psd1.hand_over(&case, from, to, note).await.expect_err(why);
        assert_eq!(refused.code(), "case-move-refused", "{refused}");
        assert!(refused.to_string().contains(why), "{refused}");
    }
    let refused = psd1.hand_over(&other, "psd-2", "acu-2", "moving on").await.expect_err("excluded");
    assert!(refused.to_string().contains("excluded acu-2"), "{refused}");
    let mut acu2 = open(&after.url, "acu-2", signed(&next), cache.path()).expect("acu-2");
    acu2.sync().await.expect("sync");
    let refused = acu2.hand_over(&case, "psd-2", "psd-3", "moving on").await.expect_err("not a supervisor");
    assert!(refused.to_string().contains("supervisor"), "{refused}");
    assert_eq!(store.list(stream, None, 100).expect("list").len(), events_before, "no refusal was recorded");

    let moved =
        psd1.hand_over(&case, "psd-2", "psd-3", "psd-2 left the PSD; psd-3 takes the case").await.expect("hand over");
    assert_eq!(moved.added, ["psd-3"]);
    assert_eq!(moved.removed, ["psd-2"]);
    assert_eq!(moved.readers, ["acu-1", "acu-2", "psd-1", "psd-3"]);
    assert_eq!(moved.messages_copied, 1);
    let state = psd1.case(&case).expect("case").state();
    assert_eq!(state.assignee.as_deref(), Some("psd-3"), "psd-2's assignment passes to psd-3");
    let remaining = leavers(psd1.directory(), psd1.cases());
    assert_eq!(remaining.iter().map(|l| l.case.as_str()).collect::<Vec<_>>(), [other.as_str()], "{remaining:?}");

    // psd-3's tool, from an empty cache, reads the case and its whole verified history.
    let fresh_cache = tempfile::tempdir().expect("cache");
    let mut psd3 = ReviewSession::open(
        successor,
        signed(&next),
        ReviewClient::new(&after.url, None).expect("client"),
        &fresh_cache.path().join("psd-3.cache"),
    )
    .expect("psd-3");
    let synced = psd3.sync().await.expect("sync");
    assert!(synced.tampered.is_empty() && synced.rejected.is_empty(), "{synced:?}");
    assert_eq!(synced.reports, 1, "only the case handed over: {synced:?}");
    let file = psd3.case(&case).expect("psd-3 reads it");
    assert_eq!(file.report.as_ref().map(|r| r.report.concern.what.as_str()), Some(canary));
    let history: Vec<String> = file.state().history.iter().map(|h| h.what.clone()).collect();
    assert!(history.iter().any(|h| h.contains("psd-2 to see the duty rota")), "{history:?}");
    assert!(history.iter().any(|h| h.starts_with("psd-2's place handed over to psd-3")), "{history:?}");
    assert_eq!(file.state().assignee.as_deref(), Some("psd-3"));
    assert!(psd3.cases().any(|c| c.case_ref() == case), "in psd-3's inbox");

    // The reporter's client follows the change: the next follow-up reaches psd-3, not psd-2.
    let mut sealed_to = common::reporter_follows_up(&after.url, &token, "CANARY-handover-7e21 one more thing").await;
    sealed_to.sort();
    assert_eq!(sealed_to, ["acu-1", "acu-2", "psd-1", "psd-3"]);
    assert_eq!(psd3.sync().await.expect("sync").follow_ups, 1);
    let psd2 = common::reviewer("psd-2");
    let newest = store.list(Place::Inbox, None, 100).expect("list").last().expect("entry").seq;
    let mut bytes = Vec::new();
    let mut chunk = 0;
    while let Some(c) = store.read_chunk(Place::Inbox, newest, chunk).expect("read") {
        bytes.extend_from_slice(c.as_bytes());
        chunk += 1;
    }
    assert!(open_document(psd2.identity(), &bytes[..], &mut DiscardAttachments).is_err(), "psd-2's key cannot open it");
    let opened = open_document(common::reviewer("psd-1").identity(), &bytes[..], &mut DiscardAttachments);
    assert!(opened.is_ok(), "the newest entry is the follow-up, which psd-1's key opens");
}
