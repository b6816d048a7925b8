//! "Not a report" (issue: spam, tests and duplicates sitting in every inbox with running
//! clocks), over a real loopback relay with the example organisation: a discard stops every
//! clock, leaves the inbox and the statistics for every reader, joins a duplicate to the case it
//! repeats, and only a supervisor can undo it, whatever a reviewer's own tool writes.

mod common;

use candour_core::report::Category;
use candour_core::wire::CaseStreamId;
use candour_review::clocks::overdue;
use candour_review::event::{heads, seal_event, Action, CaseEvent, DiscardReason, EVENT_FORMAT};
use candour_review::stats::count;
use candour_review::views::{discarded, inbox};
use candour_review::ReviewSession;
use common::{concern, report_sent_on, reviewer, session, today, Relay};

fn case_of(thread: candour_core::wire::ThreadId) -> String {
    candour_review::state::case_ref(&thread)
}

fn overdue_refs(s: &ReviewSession) -> Vec<String> {
    let mut refs: Vec<String> = overdue(s.directory(), s.cases(), today()).into_iter().map(|o| o.case).collect();
    refs.sort();
    refs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spam_and_duplicates_stop_their_clocks_and_leave_the_figures_until_a_supervisor_restores_them() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let sent = today().plus_days(-10);
    let real = report_sent_on(&relay.url, concern(Category::HonestyAndIntegrity, "Took cash"), &[], sent).await;
    let again = report_sent_on(&relay.url, concern(Category::HonestyAndIntegrity, "Took cash, again"), &[], sent).await;
    let mut spam = Vec::new();
    for i in 0..4 {
        spam.push(report_sent_on(&relay.url, concern(Category::Other, &format!("buy now {i}")), &[], sent).await);
    }
    let (real, again) = (case_of(real.thread_id()), case_of(again.thread_id()));
    let spam: Vec<String> = spam.iter().map(|t| case_of(t.thread_id())).collect();

    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    psd2.sync().await.expect("sync");
    assert_eq!(overdue_refs(&psd2).len(), 6, "six entries, six running clocks");
    for s in &spam {
        psd2.discard(s, DiscardReason::Spam, None, "advertising").await.expect("discard");
    }
    // A duplicate must say what it repeats, and cannot repeat itself.
    let refused = psd2.discard(&again, DiscardReason::Duplicate, None, "").await.expect_err("no original");
    assert_eq!(refused.code(), "cannot-discard", "{refused}");
    let refused = psd2.discard(&again, DiscardReason::Duplicate, Some(&again), "").await.expect_err("itself");
    assert_eq!(refused.code(), "cannot-discard", "{refused}");
    psd2.discard(&again, DiscardReason::Duplicate, Some(&real), "same officer, same day").await.expect("duplicate");
    let refused = psd2.discard(&again, DiscardReason::Spam, None, "").await.expect_err("twice");
    assert_eq!(refused.code(), "cannot-discard", "{refused}");

    // Every reader sees it so, from the shared history: clocks, inbox and figures.
    let mut acu1 = session(&relay.url, "acu-1", tmp.path()).await;
    acu1.sync().await.expect("sync");
    let year = sent.ymd().0;
    for s in [&psd2, &acu1] {
        assert_eq!(overdue_refs(s), std::slice::from_ref(&real), "only the real report's clock runs");
        let listed: Vec<String> = inbox(s.directory(), s.cases(), today()).into_iter().map(|r| r.case).collect();
        assert_eq!(listed, std::slice::from_ref(&real), "the inbox holds reports");
        let set_aside = discarded(s.cases());
        assert_eq!(set_aside.len(), 5);
        let duplicate = set_aside.iter().find(|(c, _)| *c == again).expect("the duplicate");
        assert_eq!(
            (duplicate.1.reason, duplicate.1.duplicate_of.as_deref()),
            (DiscardReason::Duplicate, Some(real.as_str()))
        );
        assert_eq!(count(s.cases(), year).values().sum::<u64>(), 1, "the figures count the one report");
    }
    // A queue's signed export says a discard is one, so that a merge taking it over another
    // queue's older row leaves the entry out rather than counting it.
    let export = candour_review::published::build_export(psd2.directory(), psd2.cases(), "psd", year, "psd-2", today())
        .expect("export");
    let columns: Vec<&str> = export.rows.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(columns.iter().filter(|c| **c == candour_review::stats::DISCARDED_COLUMN).count(), 5, "{columns:?}");

    // psd-2 is not a supervisor: their tool refuses, and an event their own tool writes
    // anyway is refused by everyone else's.
    let refused = psd2.restore(&spam[0], "it was real").await.expect_err("not a supervisor");
    assert_eq!(refused.code(), "restore-needs-supervisor", "{refused}");
    let case = psd2.case(&spam[0]).expect("case");
    let (thread, readers) = (case.thread_id, case.readers());
    let dir = psd2.directory().clone();
    let forged = CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: thread,
        author: "psd-2".into(),
        day: today(),
        directory_version: Some(dir.directory().version),
        parents: heads(&case.events),
        action: Action::Restore { note: "restored by hand".into() },
    };
    let me = reviewer("psd-2");
    let (sealed, _) = seal_event(&dir, &readers, &forged, me.signing_key()).expect("seal");
    let stream = CaseStreamId::for_thread(&thread);
    psd2.client().case_append(me.signing_key(), &stream, sealed).await.expect("the relay takes it");
    let synced = acu1.sync().await.expect("sync");
    assert!(synced.flagged.iter().any(|f| f.contains("not a supervisor")), "{synced:?}");
    assert!(acu1.case(&spam[0]).expect("case").state().discarded.is_some(), "the forged restore is not applied");

    // psd-1, a supervisor, restores one: its clock runs again, for everyone.
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    let refused = psd1.restore(&real, "never discarded").await.expect_err("not discarded");
    assert_eq!(refused.code(), "cannot-discard", "{refused}");
    psd1.restore(&spam[1], "the reporter wrote again: a real concern in poor words").await.expect("restore");
    acu1.sync().await.expect("sync");
    let mut expected = vec![real.clone(), spam[1].clone()];
    expected.sort();
    assert_eq!(overdue_refs(&acu1), expected);
    let history = &acu1.case(&spam[1]).expect("case").state().history;
    assert!(history.iter().any(|h| h.what.starts_with("discarded, not a report (spam)")), "{history:?}");
    assert!(history.iter().any(|h| h.what.starts_with("restored as a report") && h.author == "psd-1"), "{history:?}");
}
