//! The reviewer's side end to end over a real loopback relay, with the example organisation:
//! two PSD reviewers (psd-1 supervisor, psd-2), one ACU (acu-1 supervisor) and one Special
//! Branch reviewer (sb-1), and reporters played through candour-submit.

mod common;

use std::collections::BTreeSet;

use candour_core::report::{Category, Subject};
use candour_core::wire::CaseStreamId;
use candour_core::Day;
use candour_review::clocks::{overdue, Duty};
use candour_review::event::{heads, seal_event, Action, CaseEvent, ChainError, ReplyKind, EVENT_FORMAT};
use candour_review::session::{verify_stream, Escalated, SavedNames};
use candour_review::state::{CaseFile, Received};
use candour_review::stats::{count, table};
use candour_review::triage::{Assignment, CorruptionCategory, Grading, IopcCriterion, Priority, Status, TriageChange};
use candour_review::views::{inbox, show};
use candour_review::{ReviewError, ReviewSession};
use candour_submit::mailbox::open_reply;
use common::{concern, follow_up, report, report_sent_on, reviewer, session, today, Relay};

fn refs(s: &ReviewSession) -> BTreeSet<String> {
    s.cases().map(|c| c.case_ref()).collect()
}

fn case_of(thread: candour_core::wire::ThreadId) -> String {
    candour_review::state::case_ref(&thread)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_concurrent_triage_reply_and_follow_up() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let misconduct = report(&relay.url, concern(Category::DiscreditableConduct, "Drinking on duty")).await;
    let prevent = report(&relay.url, concern(Category::PreventConcern, "Extremist material on a locker")).await;
    let compliment = report(&relay.url, concern(Category::Compliment, "Kind to a victim")).await;

    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    let mut acu1 = session(&relay.url, "acu-1", tmp.path()).await;
    let mut sb1 = session(&relay.url, "sb-1", tmp.path()).await;
    for s in [&mut psd1, &mut psd2, &mut acu1, &mut sb1] {
        let r = s.sync().await.expect("sync");
        assert_eq!(r.inbox_entries, 3);
        assert!(r.rejected.is_empty() && r.tampered.is_empty(), "{r:?}");
    }
    // Routing as the directory says: misconduct to PSD and ACU, Prevent to SB only,
    // compliments to PSD only.
    let (m, p, c) = (case_of(misconduct.thread_id()), case_of(prevent.thread_id()), case_of(compliment.thread_id()));
    assert_eq!(refs(&psd1), BTreeSet::from([m.clone(), c.clone()]));
    assert_eq!(refs(&psd2), BTreeSet::from([m.clone(), c.clone()]));
    assert_eq!(refs(&acu1), BTreeSet::from([m.clone()]));
    assert_eq!(refs(&sb1), BTreeSet::from([p.clone()]));
    assert_eq!(psd1.case(&m).expect("case").queues(psd1.directory()), ["psd", "acu"]);
    // A compliment is PSD's alone: it cannot be assigned to the ACU.
    let refused = psd1
        .triage(&c, TriageChange { assignee: Some(Assignment::Reviewer("acu-1".into())), ..Default::default() })
        .await
        .expect_err("refused");
    assert!(matches!(refused, ReviewError::AssigneeCannotRead { .. }), "{refused}");

    // Both PSD reviewers triage the same case at once, from the same view.
    let day = today();
    let one = psd1
        .triage(
            &m,
            TriageChange {
                status: Some(Status::Assessed),
                grading: Some("2BP".parse::<Grading>().expect("grading")),
                iopc: vec![(IopcCriterion::SeriousCorruption, true)],
                summary: Some("Summary by psd-1".into()),
                ..Default::default()
            },
        )
        .await
        .expect("psd-1 triage");
    let two = psd2
        .triage(
            &m,
            TriageChange {
                priority: Some(Priority::High),
                assignee: Some(Assignment::Reviewer("psd-2".into())),
                corruption: Some(CorruptionCategory::MisuseOfForceSystems),
                iopc: vec![(IopcCriterion::RelevantOffence, true)],
                summary: Some("Summary by psd-2".into()),
                ..Default::default()
            },
        )
        .await
        .expect("psd-2 triage");
    for s in [&mut psd1, &mut psd2, &mut acu1] {
        let r = s.sync().await.expect("sync");
        assert!(r.tampered.is_empty(), "{r:?}");
    }
    let states: Vec<_> = [&psd1, &psd2, &acu1].iter().map(|s| s.case(&m).expect("case").state()).collect();
    assert_eq!(states[0], states[1], "every reviewer folds the same state");
    assert_eq!(states[0], states[2]);
    let s = &states[0];
    // Both changes kept: different fields from each reviewer.
    assert_eq!(s.status, Status::Assessed);
    assert_eq!(s.grading.map(|g| g.to_string()).as_deref(), Some("2BP"));
    assert_eq!(s.priority, Priority::High);
    assert_eq!(s.assignee.as_deref(), Some("psd-2"));
    assert_eq!(s.corruption, Some(CorruptionCategory::MisuseOfForceSystems));
    assert_eq!(s.iopc, [IopcCriterion::SeriousCorruption, IopcCriterion::RelevantOffence]);
    // Same field, same day: the later in (day, reviewer id, hash) wins, and history keeps both.
    assert_eq!(s.summary.as_deref(), Some("Summary by psd-2"));
    // psd-1's first sync filed the automatic receipt; then the two concurrent triages.
    assert_eq!(s.history.len(), 3);
    let events = &psd1.case(&m).expect("case").events;
    assert_eq!(heads(events).len(), 2, "two concurrent heads");
    assert_eq!(BTreeSet::from([one, two]), heads(events).into_iter().collect());

    // A reply from psd-1 merges both heads, reaches the reporter's mailbox, and is recorded.
    psd1.reply(&m, "Thank you: we are looking into this.", ReplyKind::Acknowledgement).await.expect("reply");
    let merged = psd1.case(&m).expect("case").events.last().expect("event").event.clone();
    assert_eq!(merged.parents.len(), 2, "the next event names both heads");
    let reporter = common::bound_client(&relay.url).await;
    let dir = common::directory(&relay.url).await;
    let entries = reporter.mailbox_all(&misconduct.mailbox_id()).await.expect("mailbox");
    assert_eq!(entries.len(), 2, "the automatic receipt, then the reply");
    let receipt = reporter.mailbox_read(&misconduct.mailbox_id(), entries[0].seq).await.expect("read");
    let receipt = open_reply(&dir, &misconduct, &receipt).expect("the reporter opens the receipt");
    assert_eq!(receipt.kind, candour_submit::mailbox::MessageKind::Receipt);
    assert_eq!(receipt.thread_recipients, ["psd-1", "psd-2", "acu-1", "acu-2"]);
    let bytes = reporter.mailbox_read(&misconduct.mailbox_id(), entries[1].seq).await.expect("read");
    let view = open_reply(&dir, &misconduct, &bytes).expect("the reporter opens the reply with the token");
    assert_eq!(view.text, "Thank you: we are looking into this.");
    assert_eq!(view.reviewer, "psd-1");
    assert_eq!(view.thread_recipients, ["psd-1", "psd-2", "acu-1", "acu-2"]);

    // New to psd-2 until opened; the follow-up below is new again.
    let unread =
        |s: &ReviewSession| inbox(s.directory(), s.cases(), day).iter().find(|r| r.case == m).map(|r| r.unread);
    assert_eq!(unread(&psd2), Some(1));
    psd2.mark_opened(&m).expect("opened");
    assert_eq!(unread(&psd2), Some(0));

    // The reporter's follow-up, sent with the token alone, joins the same case.
    follow_up(&relay.url, &misconduct, "It happened again on Friday.", view.thread_recipients.clone()).await;
    let r = psd2.sync().await.expect("sync");
    assert_eq!(unread(&psd2), Some(1), "the follow-up is new");
    assert_eq!((r.follow_ups, r.reports), (1, 0));
    let case = psd2.case(&m).expect("case");
    assert_eq!(case.follow_ups.len(), 1);
    assert_eq!(case.follow_ups[0].report.concern.what, "It happened again on Friday.");
    assert_eq!(case.state().acknowledged_on, Some(day));
    let r = sb1.sync().await.expect("sync");
    assert_eq!((r.skipped, r.follow_ups), (1, 0), "Special Branch cannot open it");

    // The views.
    let rows = inbox(psd2.directory(), psd2.cases(), day);
    let row = rows.iter().find(|r| r.case == m).expect("row");
    assert_eq!((row.priority.as_str(), row.status.as_str()), ("high", "assessed"));
    // Two mandatory-referral criteria are ticked: the referral is owed first, without delay.
    assert_eq!(row.due, Some((Duty::ReferToIopc, day)));
    assert!(row.overdue, "a referral is late from the day it is owed");
    psd2.refer_to_iopc(&m, day, "2026/004211").await.expect("referred");
    let rows = inbox(psd2.directory(), psd2.cases(), day);
    let row = rows.iter().find(|r| r.case == m).expect("row");
    assert_eq!(row.due.map(|d| d.0), Some(Duty::Feedback));
    let shown = show(psd2.directory(), psd2.case(&m).expect("case"), psd2.cases());
    assert_eq!(shown.thread.len(), 2);
    assert_eq!(shown.history.len(), 5, "receipt, two triages, the reply, the referral");
    assert!(shown.history.iter().any(|h| h.author == "psd-2" && h.what.contains("priority high")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_case_streams_are_detected_and_named() {
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    let tmp = tempfile::tempdir().expect("tmp");
    let token = report(&relay.url, concern(Category::Confidentiality, "Looked up a neighbour")).await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd2.sync().await.expect("sync");
    let case = case_of(token.thread_id());
    let day = today();
    for (i, priority) in [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent].into_iter().enumerate() {
        let s = if i % 2 == 0 { &mut psd1 } else { &mut psd2 };
        s.sync().await.expect("sync");
        s.triage(&case, TriageChange { priority: Some(priority), ..Default::default() }).await.expect("triage");
    }
    psd1.sync().await.expect("sync");
    // psd-1's first sync filed the automatic receipt; then four triage events.
    assert_eq!(psd1.case(&case).expect("case").events.len(), 5);

    // The raw stream as the relay serves it.
    let thread = token.thread_id();
    let stream = CaseStreamId::for_thread(&thread);
    let me = reviewer("psd-1");
    let listed = psd1.client().case_list(me.signing_key(), &stream).await.expect("list");
    let mut raw = Vec::new();
    for e in &listed {
        raw.push((e.seq, psd1.client().case_read(me.signing_key(), &stream, e.seq).await.expect("read")));
    }
    let dir = psd1.directory().clone();
    let retained = candour_review::event::Retained { today: day, old_enough: false };
    let case_readers = psd1.case(&case).expect("case").readers();
    let verify =
        |entries: &[(u64, Vec<u8>)]| verify_stream(&dir, me.identity(), &thread, entries, &[], retained, &case_readers);
    let intact = verify(&raw).expect("the intact stream verifies");
    let hash_of = |i: usize| intact.events[i].hash.short();

    // Dropped: the second event is missing; its child names it.
    let mut dropped = raw.clone();
    dropped.remove(1);
    let err = verify(&dropped).expect_err("dropped");
    assert!(matches!(err, ChainError::Dropped { ref parent, .. } if *parent == hash_of(1)), "{err}");
    assert_eq!(err.code(), "dropped");
    assert!(err.to_string().contains(&hash_of(1)) && err.to_string().contains("dropped"), "{err}");

    // Reordered: the third event served before the second.
    let mut reordered = raw.clone();
    reordered.swap(1, 2);
    let err = verify(&reordered).expect_err("reordered");
    assert_eq!(err.code(), "reordered", "{err}");
    assert!(err.to_string().contains(&hash_of(2)), "names the event served early: {err}");

    // Altered: one byte of the third entry's ciphertext flipped.
    let mut altered = raw.clone();
    let len = altered[2].1.len();
    altered[2].1[len - 100] ^= 0x40;
    let err = verify(&altered).expect_err("altered");
    assert!(matches!(err, ChainError::Altered { seq, .. } if seq == raw[2].0), "{err}");
    assert!(err.to_string().contains(&format!("relay entry {}", raw[2].0)), "{err}");

    // Duplicate: an entry served again under a new number.
    let mut duplicated = raw.clone();
    duplicated.push((raw[4].0 + 1, raw[0].1.clone()));
    let err = verify(&duplicated).expect_err("duplicate");
    assert_eq!(err.code(), "duplicate", "{err}");
    assert!(err.to_string().contains(&hash_of(0)), "{err}");

    // Foreign-signed: a real append, by an insider with relay access, of an event claiming to be
    // psd-2's but signed with another key. Every reviewer's sync names it.
    let events = &psd1.case(&case).expect("case").events;
    let forged = CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: thread,
        author: "psd-2".into(),
        day,
        directory_version: Some(dir.directory().version),
        parents: heads(events),
        action: Action::Triage { change: TriageChange { status: Some(Status::NoFurtherAction), ..Default::default() } },
    };
    let readers = psd1.case(&case).expect("case").readers();
    let (sealed, _) =
        seal_event(&dir, &readers, &forged, &ed25519_dalek::SigningKey::from_bytes(&[7; 32])).expect("seal");
    let (forged_seq, _) = psd1.client().case_append(me.signing_key(), &stream, sealed).await.expect("append");
    let r = psd2.sync().await.expect("sync");
    assert_eq!(r.tampered.len(), 1, "{r:?}");
    assert!(r.tampered[0].1.contains("claims to be by psd-2") && r.tampered[0].1.contains("foreign"), "{r:?}");
    let err = psd1.verify_case(&case).await.expect_err("forged");
    assert!(
        matches!(err, ReviewError::Chain { source: ChainError::ForeignSigner { seq, .. }, .. } if seq == forged_seq),
        "{err}"
    );
    // The forged status never reaches the state, and nothing more is written to the case.
    assert_eq!(psd2.case(&case).expect("case").state().status, Status::Received);
    let refused = psd2.record(&case, Action::Note { text: "x".into() }).await.expect_err("refused");
    assert!(matches!(refused, ReviewError::Chain { .. }), "{refused}");

    // Dropped at the relay (no reviewer can delete: whoever holds its disk can): removing the
    // forged entry restores the stream; removing the newest genuine event (which nothing names
    // yet) is caught against the cache.
    let place = candour_relay::store::Place::Case(stream);
    store.hide(place, forged_seq);
    assert_eq!(psd1.verify_case(&case).await.expect("clean again"), 5);
    let newest = listed.last().expect("entry").seq;
    store.hide(place, newest);
    let err = psd1.verify_case(&case).await.expect_err("dropped tail");
    assert!(
        matches!(&err, ReviewError::Chain { source: ChainError::DroppedKnown { event }, .. } if event.seq == newest),
        "{err}"
    );
    assert!(err.to_string().contains("dropped") && err.to_string().contains("psd-2"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacknowledged_on_day_eight_is_overdue_and_escalated() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    // Sent nine days ago: the case is old, and nobody's clock is moved.
    let sent = today().plus_days(-9);
    let token = report_sent_on(&relay.url, concern(Category::UseOfForce, "Kicked a detainee"), &[], sent).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    psd2.sync().await.expect("sync");
    let case = case_of(token.thread_id());
    assert_eq!(psd2.case(&case).expect("case").day_sent(), Some(sent));

    // The views take any day: day 7 is the last day to acknowledge; day 8 is overdue.
    assert!(overdue(psd2.directory(), psd2.cases(), sent.plus_days(7)).is_empty());
    let late = overdue(psd2.directory(), psd2.cases(), sent.plus_days(8));
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].duty, late[0].days_overdue), (Duty::Acknowledge, 1));
    assert_eq!(late[0].escalate_to, ["psd-1", "acu-1"], "the supervisors of the case's queues");
    assert_eq!(late[0].assignee, None);

    // An allegation is not closed as a compliment would be.
    let refused = psd2
        .triage(
            &case,
            TriageChange { status: Some("closed:passed-to-officer".parse().expect("status")), ..Default::default() },
        )
        .await
        .expect_err("a compliment's outcome");
    assert_eq!(refused.code(), "outcome-not-for-category", "{refused}");

    // Escalating the same lateness twice writes one event; the view says when it was.
    let events = psd2.case(&case).expect("case").events.len();
    let first = psd2.escalate_if_overdue(&case).await.expect("escalate");
    assert!(matches!(first, Escalated::Recorded { .. }), "{first:?}");
    let again = psd2.escalate_if_overdue(&case).await.expect("escalate again");
    assert!(matches!(again, Escalated::Already { on, .. } if on == today()), "{again:?}");
    assert_eq!(psd2.case(&case).expect("case").events.len(), events + 1, "one escalation per missed duty");
    assert_eq!(overdue(psd2.directory(), psd2.cases(), today())[0].escalated_on, Some(today()));

    // A status is not an acknowledgement: the clock keeps running, and "acknowledged" cannot
    // be set by hand.
    psd2.triage(&case, TriageChange { status: Some(Status::Assessed), ..Default::default() }).await.expect("assess");
    assert_eq!(overdue(psd2.directory(), psd2.cases(), today()).len(), 1, "assessed, still unacknowledged");
    let refused = psd2
        .triage(&case, TriageChange { status: Some(Status::Acknowledged), ..Default::default() })
        .await
        .expect_err("acknowledged by hand");
    assert_eq!(refused.code(), "acknowledge-by-reply", "{refused}");

    // Assigned, it is listed under the assignee; acknowledged (today, two days late: events
    // carry the real day), it is not overdue until the three-month feedback deadline passes.
    psd2.triage(&case, TriageChange { assignee: Some(Assignment::Reviewer("psd-2".into())), ..Default::default() })
        .await
        .expect("assign");
    let late = overdue(psd2.directory(), psd2.cases(), sent.plus_days(8));
    assert_eq!(late[0].assignee.as_deref(), Some("psd-2"));
    psd2.reply(&case, "Received, thank you.", ReplyKind::Acknowledgement).await.expect("reply");
    let state = psd2.case(&case).expect("case").state();
    assert_eq!(state.acknowledged_on, Some(today()), "dated by the real clock");
    let history = state.history.last().map(|h| h.what.clone()).unwrap_or_default();
    assert!(history.contains("(acknowledged 2 days late)"), "{history}");
    assert!(overdue(psd2.directory(), psd2.cases(), sent.plus_days(30)).is_empty());
    let feedback_due = candour_review::state::add_months(sent, 3);
    assert!(overdue(psd2.directory(), psd2.cases(), feedback_due).is_empty());
    let late = overdue(psd2.directory(), psd2.cases(), feedback_due.plus_days(1));
    assert_eq!(late[0].duty, Duty::Feedback);
    psd2.reply(&case, "An update.", ReplyKind::Feedback).await.expect("reply");
    assert!(overdue(psd2.directory(), psd2.cases(), feedback_due.plus_days(1)).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_cache_holds_no_plaintext_canary() {
    let relay = Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let canary = "CANARY-7f3a91 took the evidence bag";
    let mut c = concern(Category::HonestyAndIntegrity, canary);
    c.subjects = vec![Subject {
        name: Some("PC Canary Wharfson".into()),
        collar_number: Some("C4N4RY".into()),
        ..Default::default()
    }];
    let token = report(&relay.url, c).await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    let case = case_of(token.thread_id());
    psd1.triage(&case, TriageChange { summary: Some("SUMMARY-CANARY-22".into()), ..Default::default() })
        .await
        .expect("triage");
    psd1.record(&case, Action::Note { text: "NOTE-CANARY-33".into() }).await.expect("note");
    psd1.sync().await.expect("sync");
    // The canaries are in memory...
    let shown = show(psd1.directory(), psd1.case(&case).expect("case"), psd1.cases());
    assert_eq!(shown.thread[0].concern.what, canary);
    drop(psd1);

    // ...and nowhere on disk.
    let mut files = 0;
    for entry in std::fs::read_dir(tmp.path()).expect("dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        files += 1;
        for needle in ["CANARY", "Canary", "C4N4RY", "took the evidence", "psd-2", "acu-1", "honesty"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in {}", path.display());
        }
    }
    assert_eq!(files, 2, "the cache and its previous generation, no temporary left behind");
    assert!(tmp.path().join("psd-1.cache.previous").is_file(), "the previous generation is kept");

    // The cache reloads with the same key and refuses another reviewer's.
    let again = session(&relay.url, "psd-1", tmp.path()).await;
    assert_eq!(again.case(&case).expect("case").state().summary.as_deref(), Some("SUMMARY-CANARY-22"));
    let stolen = candour_review::cache::Cache::new(&tmp.path().join("psd-1.cache"), &reviewer("psd-2"));
    assert!(stolen.load().is_err());
}

fn case_with(category: Category, day: &str, seq: u64) -> CaseFile {
    let token = candour_core::token::MailboxToken::generate();
    let report = candour_core::report::Report {
        reader_changes: vec![],
        schema: 1,
        thread_id: token.thread_id(),
        concern: concern(category, "x"),
        sealed_to: vec!["psd-1".into()],
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: day.parse().expect("day"),
        route: None,
        last_seen: None,
    };
    CaseFile {
        thread_id: token.thread_id(),
        report: Some(Received { seq, expires: None, report, attachments: vec![], notes: vec![] }),
        follow_ups: vec![],
        events: vec![],
        opened: 0,
    }
}

#[test]
fn statistics_suppress_a_cell_of_three_and_its_complements() {
    // 2026: honesty 3, use of force 12, confidentiality 7 (all still "received"); one 2025 case
    // that must not count.
    let mut cases = Vec::new();
    for (category, n) in
        [(Category::HonestyAndIntegrity, 3), (Category::UseOfForce, 12), (Category::Confidentiality, 7)]
    {
        cases.extend((0..n).map(|i| case_with(category, "2026-03-01", i)));
    }
    cases.push(case_with(Category::UseOfForce, "2025-12-31", 99));
    let counts = count(&cases, 2026);
    assert_eq!(counts.values().sum::<u64>(), 22);
    let t = table(&counts, 2026, 5);
    let col = t.columns.iter().position(|c| c == "received").expect("column");
    let row = |name: &str| t.rows.iter().find(|r| r.category == name).expect("row");

    // The cell of 3 is suppressed, and so is its row total (also 3).
    assert_eq!(row("honesty-and-integrity").cells[col].count, None);
    assert_eq!(row("honesty-and-integrity").total.count, None);
    // No line (row or column, totals included) has exactly one hidden value, so nothing can
    // be recovered by subtracting the visible values from a total.
    let mut lines: Vec<Vec<Option<u64>>> =
        t.rows.iter().map(|r| r.cells.iter().chain([&r.total]).map(|c| c.count).collect()).collect();
    lines.push(t.column_totals.iter().chain([&t.total]).map(|c| c.count).collect());
    let width = lines[0].len();
    let columns: Vec<Vec<Option<u64>>> = (0..width).map(|j| lines.iter().map(|l| l[j]).collect()).collect();
    for line in lines.iter().chain(columns.iter()) {
        assert_ne!(line.iter().filter(|c| c.is_none()).count(), 1, "{line:?}");
    }
    // An attacker who subtracts visible values from totals, and uses that counts are never
    // negative (a line whose unknowns must sum to 0 are all 0), until nothing changes, still
    // cannot work out the cell of 3.
    let mut grid = lines.clone();
    let (rows, cols) = (grid.len(), width);
    loop {
        let mut learned = false;
        let all_lines: Vec<Vec<(usize, usize)>> = (0..rows)
            .map(|i| (0..cols).map(|j| (i, j)).collect())
            .chain((0..cols).map(|j| (0..rows).map(|i| (i, j)).collect()))
            .collect();
        for line in all_lines {
            let (total_pos, cells) = line.split_last().expect("line");
            let Some(total) = grid[total_pos.0][total_pos.1] else { continue };
            let unknown: Vec<(usize, usize)> = cells.iter().copied().filter(|&(i, j)| grid[i][j].is_none()).collect();
            let known: u64 = cells.iter().filter_map(|&(i, j)| grid[i][j]).sum();
            match unknown.as_slice() {
                [] => {}
                [(i, j)] => {
                    grid[*i][*j] = Some(total - known);
                    learned = true;
                }
                many if total == known => {
                    for &(i, j) in many {
                        grid[i][j] = Some(0);
                    }
                    learned = true;
                }
                _ => {}
            }
        }
        if !learned {
            break;
        }
    }
    let honesty = t.rows.iter().position(|r| r.category == "honesty-and-integrity").expect("row");
    assert_eq!(grid[honesty][col], None, "the suppressed 3 cannot be recovered from the totals");

    let csv = t.to_csv();
    assert!(csv.lines().next().expect("header").starts_with("category,received,"));
    assert!(csv.contains("honesty-and-integrity,*,"), "{csv}");
    assert!(!csv.contains(",3,"), "{csv}");
    let json = serde_json::to_value(&t).expect("json");
    assert_eq!(json["rows"][0]["cells"][col], serde_json::Value::Null);
    assert_eq!(json["rows"][3]["cells"][col], serde_json::json!(12));
}

/// Compliments are not allegations: no duty to the reporter runs on one, and the figures count
/// them on a line of their own, suppressed on its own, never in the allegations' totals.
#[test]
fn compliments_are_counted_apart_with_no_clocks() {
    let praise = case_with(Category::Compliment, "2026-03-01", 1);
    assert_eq!(candour_review::clocks::next_due(&praise, &praise.state()), None);
    let allegation = case_with(Category::UseOfForce, "2026-03-01", 2);
    assert!(candour_review::clocks::next_due(&allegation, &allegation.state()).is_some());

    let mut counts = std::collections::BTreeMap::new();
    counts.insert((Category::UseOfForce, "received".to_owned()), 12);
    counts.insert((Category::Compliment, "received".to_owned()), 2);
    counts.insert((Category::Compliment, "passed-to-officer".to_owned()), 9);
    counts.insert((Category::Compliment, "passed-to-line-manager".to_owned()), 6);
    let t = table(&counts, 2026, 5);
    assert_eq!(t.total.count, Some(12), "the allegations' total holds no compliment");
    assert!(t.rows.iter().all(|r| r.category != "compliment"));
    assert!(!t.columns.iter().any(|c| c == "passed-to-officer"), "{:?}", t.columns);
    let c = &t.compliments;
    assert_eq!(c.columns, ["open", "passed-to-officer", "passed-to-line-manager", "recorded", "other"]);
    assert_eq!(c.total.count, Some(17));
    // The 2 open ones are suppressed, and so is the smallest other count (6), or 2 = 17 - 9 - 6.
    let counts_shown: Vec<Option<u64>> = c.cells.iter().map(|c| c.count).collect();
    assert_eq!(counts_shown, [None, Some(9), None, Some(0), Some(0)]);
    let csv = t.to_csv();
    assert!(csv.ends_with("\ncompliments,open,passed-to-officer,passed-to-line-manager,recorded,other,total\ncompliment,*,9,*,0,0,17\n"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_saved_only_on_request_under_safe_names() {
    use candour_core::envelope::AttachmentMeta;
    use candour_submit::send::{send, Attachment, AttachmentData};
    let relay = Relay::start().await;
    let client = common::bound_client(&relay.url).await;
    let dir = common::directory(&relay.url).await;
    let token = candour_core::token::MailboxToken::generate();
    let composed = candour_submit::compose::compose_report(
        &dir,
        &token,
        concern(Category::UseOfForce, "See the photo"),
        &[],
        today(),
    )
    .expect("compose");
    let photo: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let attachment = Attachment {
        meta: AttachmentMeta { name: "../../etc/evil photo.jpg".into(), media_type: "image/jpeg".into() },
        data: AttachmentData::Bytes(photo.clone()),
    };
    send(&client, composed.plan(&dir, &token), vec![attachment], None).await.expect("send");

    let tmp = tempfile::tempdir().expect("tmp");
    let cache_dir = tmp.path().join("cache");
    let mut psd1 = session(&relay.url, "psd-1", &cache_dir).await;
    psd1.sync().await.expect("sync");
    let case = case_of(token.thread_id());
    let shown = show(psd1.directory(), psd1.case(&case).expect("case"), psd1.cases());
    assert_eq!(shown.thread[0].attachments, [("../../etc/evil photo.jpg".to_owned(), 70_000)]);
    let kept: Vec<String> = std::fs::read_dir(&cache_dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().all(|n| n == "psd-1.cache" || n == "psd-1.cache.previous"),
        "sync saves no attachment, only the cache and its previous generation: {kept:?}"
    );

    // Saved by default under a name that carries nothing of the reporter's, as a file and in
    // a folder only this user can read.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    let out = tmp.path().join("saved").join("case");
    let saved = psd1.save_attachments(&case, &out, SavedNames::Neutral).await.expect("save");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].parent(), Some(out.as_path()), "written inside the chosen folder only");
    let entry = psd1.case(&case).expect("case").report.as_ref().expect("report").seq;
    assert_eq!(saved[0].file_name().and_then(|n| n.to_str()), Some(format!("{case}-{entry}-0.jpg").as_str()));
    assert_eq!(std::fs::read(&saved[0]).expect("read"), photo);
    assert_eq!((mode(&saved[0]), mode(&out), mode(out.parent().expect("parent"))), (0o600, 0o700, 0o700));
    // Asked for, the reporter's own name, sanitised.
    let again = tmp.path().join("named");
    let named = psd1.save_attachments(&case, &again, SavedNames::Original).await.expect("save");
    assert!(named[0].file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with("_etc_evil_photo.jpg")));
    assert_eq!(mode(&named[0]), 0o600);
}

/// Any directory reviewer may append to any case stream (the relay cannot know a case's
/// readers), and an event's day is its author's claim. So an event by a reviewer who is not
/// one of the case's readers, or dated before what it follows or in the future, is shown as
/// refused and never changes the case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_by_non_readers_or_with_impossible_days_are_refused_not_folded() {
    let relay = common::Relay::start().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let token = report(&relay.url, concern(Category::HonestyAndIntegrity, "Sold PNC checks")).await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    let case = case_of(token.thread_id());
    let day = today();
    psd1.triage(&case, TriageChange { priority: Some(Priority::High), ..Default::default() }).await.expect("triage");

    let thread = token.thread_id();
    let stream = CaseStreamId::for_thread(&thread);
    let dir = psd1.directory().clone();
    let readers = psd1.case(&case).expect("case").readers();
    assert!(!readers.contains(&"sb-1".to_owned()));
    let heads_now = heads(&psd1.case(&case).expect("case").events);
    let close = Action::Close { outcome: candour_review::triage::Outcome::NoCaseToAnswer };
    let event = |author: &str, day: Day, action: Action| CaseEvent {
        format: EVENT_FORMAT.into(),
        thread_id: thread,
        author: author.into(),
        day,
        directory_version: Some(dir.directory().version),
        parents: heads_now.clone(),
        action,
    };
    // sb-1, a genuine reviewer with their own key, who cannot read this case, closes it.
    let sb1 = reviewer("sb-1");
    let (sealed, _) = seal_event(&dir, &readers, &event("sb-1", day, close.clone()), sb1.signing_key()).expect("seal");
    psd1.client().case_append(sb1.signing_key(), &stream, sealed).await.expect("the relay takes it");
    // psd-1 itself, with its clock set a year ahead, and with a day before the event it follows.
    let me = reviewer("psd-1");
    for when in [day.plus_days(365), day.plus_days(-30)] {
        let note = Action::Note { text: format!("dated {when}") };
        let (sealed, _) = seal_event(&dir, &readers, &event("psd-1", when, note), me.signing_key()).expect("seal");
        psd1.client().case_append(me.signing_key(), &stream, sealed).await.expect("append");
    }

    let synced = psd1.sync().await.expect("sync");
    assert!(synced.tampered.is_empty(), "the chain itself is sound: {synced:?}");
    assert_eq!(synced.flagged.len(), 3, "{synced:?}");
    assert!(synced.flagged[0].contains("by sb-1") && synced.flagged[0].contains("not one of the case's readers"));
    assert!(synced.flagged[1].contains("in the future"), "{synced:?}");
    assert!(synced.flagged[2].contains("before the event it follows"), "{synced:?}");
    let state = psd1.case(&case).expect("case").state();
    assert_eq!(state.status, Status::Received, "the outsider's close is not applied");
    assert_eq!(state.priority, Priority::High);
    let refused: Vec<_> = state.history.iter().filter(|h| h.what.starts_with("REFUSED")).collect();
    assert_eq!(refused.len(), 3, "shown in the history: {:?}", state.history);
    // Still writable: the refused events do not break the chain.
    psd1.record(&case, Action::Note { text: "seen".into() }).await.expect("note");
}
