//! Disposal (docs/design.md §6 "Disposal"), over a real loopback relay serving a directory
//! that carries the force's records rule. A supervisor disposes of a closed case early: every
//! reader's tool forgets it, with the attachment files it saved, and keeps its reference, the
//! day and why. A concluded case is forgotten once the force's retention runs out; an open one
//! never is. A reporter who writes after disposal is never forgotten unread. Each claim is
//! proven by scanning the cache (decrypted with the reviewer's key, and its previous copy) and
//! the save folders for the case's canary, after showing the same scan finds it before.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use candour_core::directory::RecordsPolicy;
use candour_core::envelope::AttachmentMeta;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_review::cache::Cache;
use candour_review::event::{Action, DiscardReason};
use candour_review::session::SavedNames;
use candour_review::triage::TriageChange;
use candour_review::ReviewSession;
use candour_submit::send::{send, Attachment, AttachmentData};
use common::{concern, reviewer, session, today, Relay, TamperableStore};

const KEEP_DAYS: u32 = 30;

/// A relay whose directory asks tools to keep a concluded case `KEEP_DAYS` days.
async fn relay_with_records_rule() -> (Relay, tempfile::TempDir) {
    let (folder, path) = common::fresh::signed_directory(|d| {
        d.records = Some(RecordsPolicy { keep_concluded_days: KEEP_DAYS });
    });
    (common::relay_serving(Arc::new(TamperableStore::default()), &path).await, folder)
}

/// A report whose words and one attachment carry `canary`; returns the token and case.
async fn report_with_photo(url: &str, canary: &str) -> (MailboxToken, String) {
    let client = candour_client::RelayClient::new(url, None).expect("client");
    let dir = common::directory(url).await;
    let token = MailboxToken::generate();
    let composed =
        candour_submit::compose::compose_report(&dir, &token, concern(Category::Other, canary), &[], today())
            .expect("compose");
    let photo = Attachment {
        meta: AttachmentMeta { name: "IMG_0001.jpg".into(), media_type: "image/jpeg".into() },
        data: AttachmentData::Bytes(format!("JPEG {canary} JPEG").into_bytes()),
    };
    send(&client, composed.plan(&dir, &token), vec![photo], None).await.expect("send");
    let case = candour_review::state::case_ref(&token.thread_id());
    (token, case)
}

/// Whether `id`'s cache at `path`, decrypted with their key, or its previous copy, holds `needle`.
fn cache_holds(path: &Path, id: &str, needle: &str) -> bool {
    let previous = Cache::new(path, &reviewer(id)).previous_path();
    [path.to_owned(), previous].iter().filter(|p| p.exists()).any(|p| {
        let contents = Cache::new(p, &reviewer(id)).load().expect("the reviewer's key opens their cache");
        let json = serde_json::to_string(&contents).expect("json");
        json.contains(needle)
    })
}

fn close() -> TriageChange {
    TriageChange { status: Some("closed:no-case-to-answer".parse().expect("status")), ..Default::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_disposes_of_a_closed_case_and_every_readers_tool_forgets_it() {
    let (relay, _folder) = relay_with_records_rule().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (caches, saves) = (tmp.path().join("caches"), tmp.path().join("saved"));
    let gone = "CANARY-dispose-a1c3";
    let stays = "CANARY-dispose-b7d2";
    let (token, case) = report_with_photo(&relay.url, gone).await;
    let (_, other) = report_with_photo(&relay.url, stays).await;
    let mut psd1 = session(&relay.url, "psd-1", &caches).await;
    let mut psd2 = session(&relay.url, "psd-2", &caches).await;
    psd1.sync().await.expect("sync");
    psd2.sync().await.expect("sync");
    assert_eq!(psd1.save_attachments(&case, &saves.join("psd-1"), SavedNames::Neutral).await.expect("save").len(), 1);
    assert_eq!(psd2.save_attachments(&case, &saves.join("psd-2"), SavedNames::Neutral).await.expect("save").len(), 1);
    psd1.save_attachments(&other, &saves.join("psd-1"), SavedNames::Neutral).await.expect("save");
    // The scans find the canary before: in both caches and both save folders.
    let cache_of = |id: &str| caches.join(format!("{id}.cache"));
    assert!(cache_holds(&cache_of("psd-1"), "psd-1", gone) && cache_holds(&cache_of("psd-2"), "psd-2", gone));
    assert_eq!(common::files_holding(&saves, gone).len(), 2);

    // Only a supervisor, only a concluded case, and only said why.
    let refused = psd2.dispose(&case, "no further value").await.expect_err("psd-2 supervises nothing");
    assert_eq!(refused.code(), "cannot-dispose", "{refused}");
    assert!(refused.to_string().contains("only a supervisor"), "{refused}");
    let refused = psd1.dispose(&case, "no further value").await.expect_err("open");
    assert!(refused.to_string().contains("still open"), "{refused}");
    psd1.triage(&case, close()).await.expect("close");
    let refused = psd1.dispose(&case, "   ").await.expect_err("no reason");
    assert!(refused.to_string().contains("say why"), "{refused}");
    assert!(psd1.case(&case).is_ok(), "nothing was forgotten by a refusal");

    // No single reviewer erases a case: psd-1's disposal is a proposal until a second
    // supervisor who reads it (acu-1) agrees; proposing twice is not agreeing.
    let proposed = psd1.dispose(&case, "records review: no further value").await.expect("propose");
    assert_eq!(proposed, vec![], "one supervisor forgets nothing");
    assert!(psd1.case(&case).is_ok() && cache_holds(&cache_of("psd-1"), "psd-1", gone));
    let refused = psd1.dispose(&case, "records review: no further value").await.expect_err("twice");
    assert!(refused.to_string().contains("a second supervisor must agree"), "{refused}");
    let mut acu1 = session(&relay.url, "acu-1", &caches).await;
    acu1.sync().await.expect("sync");
    let agreed = acu1.dispose(&case, "agreed: no further value").await.expect("agree");
    assert_eq!(agreed.iter().map(|f| f.case.as_str()).collect::<Vec<_>>(), [case.as_str()]);
    assert!(!cache_holds(&caches.join("acu-1.cache"), "acu-1", gone));
    let forgotten = psd1.sync().await.expect("sync").forgotten;
    assert_eq!(forgotten.len(), 1, "{forgotten:?}");
    assert_eq!((forgotten[0].case.as_str(), forgotten[0].files_removed), (case.as_str(), 1));
    assert!(forgotten[0].files_left.is_empty());
    assert!(psd1.case(&case).is_err(), "psd-1's tool no longer has it");
    assert_eq!(psd1.cases().count(), 1);
    assert!(!cache_holds(&cache_of("psd-1"), "psd-1", gone), "nor does psd-1's cache, or its previous copy");
    assert!(cache_holds(&cache_of("psd-1"), "psd-1", stays), "the other case is kept");
    assert_eq!(common::files_holding(&saves.join("psd-1"), gone), Vec::<PathBuf>::new());
    assert_eq!(common::files_holding(&saves.join("psd-1"), stays).len(), 1, "the other case's file is kept");
    assert_eq!(psd1.disposed().len(), 1);
    assert!(psd1.disposed()[0].why.contains("disposed of early by psd-1 and acu-1"), "{:?}", psd1.disposed());
    assert!(!serde_json::to_string(psd1.disposed()).expect("json").contains(gone), "the note keeps no contents");

    // psd-2's tool forgets it at its next sync, files and all.
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.forgotten.iter().map(|f| f.case.as_str()).collect::<Vec<_>>(), [case.as_str()]);
    assert_eq!(synced.forgotten[0].files_removed, 1);
    assert!(!cache_holds(&cache_of("psd-2"), "psd-2", gone));
    assert_eq!(common::files_holding(&saves, gone), Vec::<PathBuf>::new(), "no saved file anywhere holds it");

    // A tool starting from an empty cache takes the relay's copies in and forgets them again.
    let fresh = tmp.path().join("fresh");
    let mut again = session(&relay.url, "psd-1", &fresh).await;
    let synced = again.sync().await.expect("sync");
    assert!(synced.forgotten.iter().any(|f| f.case == case), "{synced:?}");
    assert!(again.case(&case).is_err());
    assert!(!cache_holds(&fresh.join("psd-1.cache"), "psd-1", gone));
    drop(again);

    // The reporter writes again after the disposal: that is kept, and said, never forgotten unread.
    let client = candour_client::RelayClient::new(&relay.url, None).expect("client");
    let dir = common::directory(&relay.url).await;
    let route = common::reporter_route(&relay.url, &token).await;
    let later = Concern { what: "CANARY-dispose-later it happened again".into(), ..Default::default() };
    let composed = candour_submit::compose::compose_follow_up(
        &dir,
        &token,
        later,
        route.readers.clone(),
        route.commitment.clone(),
        today().plus_days(1),
    )
    .expect("compose");
    send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    let synced = psd1.sync().await.expect("sync");
    assert!(synced.forgotten.is_empty(), "{synced:?}");
    assert_eq!(synced.kept.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), [case.as_str()], "{synced:?}");
    assert!(synced.kept[0].1.contains("the reporter wrote on"), "{synced:?}");
    let kept = psd1.case(&case).expect("kept for the reviewers to read");
    assert_eq!(kept.follow_ups.len(), 1);
    assert!(kept.report.is_none(), "the disposed report does not come back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concluded_case_is_forgotten_once_the_forces_retention_runs_out_and_an_open_one_never() {
    let (relay, _folder) = relay_with_records_rule().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, closed) = report_with_photo(&relay.url, "CANARY-retention-c1").await;
    let (_, spam) = report_with_photo(&relay.url, "CANARY-retention-s2").await;
    let (_, open) = report_with_photo(&relay.url, "CANARY-retention-o3").await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd1.triage(&closed, close()).await.expect("close");
    psd1.discard(&spam, DiscardReason::Test, None, "a training exercise").await.expect("discard");
    psd1.record(&open, Action::Note { text: "enquiries continue".into() }).await.expect("note");

    let day = today().plus_days(i64::from(KEEP_DAYS));
    assert_eq!(psd1.forget_due(day.plus_days(-1)).expect("forget"), vec![], "kept to the last day");
    let forgotten = psd1.forget_due(day).expect("forget");
    let mut refs: Vec<&str> = forgotten.iter().map(|f| f.case.as_str()).collect();
    refs.sort();
    let mut expected = [closed.as_str(), spam.as_str()];
    expected.sort();
    assert_eq!(refs, expected, "{forgotten:?}");
    let why = &forgotten.iter().find(|f| f.case == closed).expect("closed").why;
    assert!(why.contains(&format!("concluded on {}", today())) && why.contains("30 days"), "{why}");
    assert!(!cache_holds(&tmp.path().join("psd-1.cache"), "psd-1", "CANARY-retention-c1"));
    assert!(!cache_holds(&tmp.path().join("psd-1.cache"), "psd-1", "CANARY-retention-s2"));
    assert_eq!(psd1.forget_due(today().plus_days(100_000)).expect("forget"), vec![], "an open case is never forgotten");
    assert!(psd1.case(&open).is_ok());
    drop(psd1);
    // What was forgotten stays forgotten, and said, when the tool is opened again.
    let reopened = ReviewSession::open(
        reviewer("psd-1"),
        common::directory(&relay.url).await,
        review_client(&relay.url),
        &tmp.path().join("psd-1.cache"),
    )
    .expect("open");
    assert_eq!(reopened.disposed().len(), 2);
}

/// Without a records rule in the directory, nothing is forgotten but by a supervisor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_records_rule_only_a_supervisor_disposes() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, closed) = report_with_photo(&relay.url, "CANARY-norule-c1").await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd1.triage(&closed, close()).await.expect("close");
    assert_eq!(psd1.forget_due(today().plus_days(100_000)).expect("forget"), vec![]);
    assert!(psd1.case(&closed).is_ok());
}

fn review_client(url: &str) -> candour_review::client::ReviewClient {
    candour_review::client::ReviewClient::new(url, None).expect("client")
}
