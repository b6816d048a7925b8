//! Replies name what their author had received from the reporter (docs/design.md §6): a relay that
//! withholds a follow-up from one reader shows, in the reporter's own mailbox, as a reply that
//! had read less than an earlier one. The reporter's client says so in plain words.

mod common;

use std::sync::Arc;

use candour_core::report::{seen_report_digest, Category};
use candour_relay::store::Place;
use candour_review::event::ReplyKind;
use candour_submit::mailbox::{open_reply, seen_line, seen_notes, ReplyView};

async fn mailbox(url: &str, token: &candour_core::token::MailboxToken) -> Vec<ReplyView> {
    let client = common::bound_client(url).await;
    let dir = common::directory(url).await;
    let mut views = Vec::new();
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        views.push(open_reply(&dir, token, &bytes).expect("a reviewer's message"));
    }
    views
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_withheld_from_one_reader_shows_in_the_reporters_mailbox() {
    let store = Arc::new(common::TamperableStore::with_retention(90));
    let relay = common::relay_over(store.clone()).await;
    let cache = tempfile::tempdir().expect("cache");
    let what = "PC Hale sold PNC checks to a private investigator";
    let token = common::report(&relay.url, common::concern(Category::HonestyAndIntegrity, what)).await;
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    psd1.sync().await.expect("sync");
    let case = candour_review::state::case_ref(&token.thread_id());
    let readers = psd1.case(&case).expect("case").readers();
    assert!(readers.contains(&"psd-2".to_owned()), "psd-2 reads this case: {readers:?}");

    let more = "He also met the investigator at the Fox on Friday";
    common::follow_up(&relay.url, &token, more, readers.clone()).await;
    psd1.sync().await.expect("sync");
    let today = common::today();
    psd1.reply(&case, "Thank you for both messages.", ReplyKind::Acknowledgement).await.expect("reply");

    // The relay now withholds the follow-up (inbox entry 2) from psd-2, who starts afresh.
    let entries = psd1.client().inbox_list(common::reviewer("psd-1").signing_key(), None).await.expect("inbox list");
    assert_eq!(entries.len(), 2, "the report and its follow-up");
    store.hide(Place::Inbox, entries[1].seq);
    let other = tempfile::tempdir().expect("cache");
    let mut psd2 = common::session(&relay.url, "psd-2", other.path()).await;
    psd2.sync().await.expect("sync");
    psd2.reply(&case, "We are looking into your report.", ReplyKind::Message).await.expect("reply");

    let views = mailbox(&relay.url, &token).await;
    let replies: Vec<&ReplyView> = views.iter().filter(|v| !v.text.is_empty()).collect();
    assert_eq!(replies.len(), 2, "{views:?}");
    let first = replies[0].seen.as_ref().expect("a format 2 reply says what it had read");
    assert_eq!(first.messages, 2);
    assert_eq!(first.newest_day, today);
    assert_eq!(first.newest, seen_report_digest(&token.thread_id(), today, more), "the follow-up, by its digest");
    assert_eq!(
        seen_line(replies[0]).as_deref(),
        Some(format!("Written having read 2 messages from you, the newest sent on {today}.").as_str())
    );
    assert_eq!(replies[1].seen.as_ref().map(|s| s.messages), Some(1), "psd-2 never saw the follow-up");
    let notes = seen_notes(&views);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("read 1 of your messages") && notes[0].contains("may not have reached them"),
        "{notes:?}"
    );

    // Without the withholding, nothing is said.
    assert!(seen_notes(&views[..views.len() - 1]).is_empty());
}
