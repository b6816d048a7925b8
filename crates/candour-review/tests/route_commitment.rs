//! One corrupt reader tries to decide who reads the reporter's follow-ups: it names the reviewer
//! the reporter excluded, leaves out every other reader, forges a route commitment, or strips
//! it. The reporter's client seals to the readers the report itself committed to, whatever the
//! newest message says, and says what it refused.

mod common;

use candour_client::RelayClient;
use candour_core::commitment::RouteCommitment;
use candour_core::directory::VerifiedDirectory;
use candour_core::envelope::DiscardAttachments;
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Category, Concern, Document, Reply, Report, SCHEMA_V1, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_submit::compose::{compose_follow_up, ComposeError};
use candour_submit::mailbox::{follow_up_readers, open_reply, FollowUpReaders, ReplyError};

/// psd-1 files a reply of its own making in the reporter's mailbox.
async fn file_reply(
    client: &RelayClient,
    report: &Report,
    schema: u32,
    recipients: &[&str],
    route: Option<RouteCommitment>,
) {
    let psd1 = common::reviewer("psd-1");
    let dir = client.directory(&common::policy()).await.expect("directory");
    let reply = Document::Reply(Reply {
        reader_changes: vec![],
        schema,
        thread_id: report.thread_id,
        reviewer: "psd-1".into(),
        text: "Please send us more.".into(),
        day_sent: common::today(),
        thread_recipients: recipients.iter().map(|s| (*s).to_owned()).collect(),
        directory_version: (schema == SCHEMA_VERSION).then_some(dir.directory().version),
        route,
        seen: None,
    });
    let to = report.reply_recipient.parse().expect("recipient");
    let sealed =
        seal_document(&[to], dir.directory().stanzas, &reply, vec![], psd1.signing_key(), Vec::new()).expect("seal");
    client
        .reviewer_mailbox_append(psd1.signing_key(), &report.mailbox, sealed, common::unix_now())
        .await
        .expect("append");
}

async fn mailbox(
    client: &RelayClient,
    token: &MailboxToken,
) -> (Vec<candour_submit::mailbox::ReplyView>, Vec<ReplyError>) {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let (mut views, mut refused) = (Vec::new(), Vec::new());
    for entry in client.mailbox_all(&token.mailbox_id()).await.expect("mailbox") {
        let bytes = client.mailbox_read(&token.mailbox_id(), entry.seq).await.expect("read");
        match open_reply(&dir, token, &bytes) {
            Ok(v) => views.push(v),
            Err(e) => refused.push(e),
        }
    }
    (views, refused)
}

/// A reporter sends an honesty report (PSD and the ACU) excluding psd-2; returns the relay,
/// a client, the token, the directory and the report as psd-1, a reader, opens it.
async fn reported_excluding_psd2() -> (common::Relay, RelayClient, MailboxToken, VerifiedDirectory, Report) {
    let relay = common::Relay::start().await;
    let (client, token, dir, report) = reported_excluding_psd2_at(&relay.url).await;
    (relay, client, token, dir, report)
}

/// The same, on a relay already running.
async fn reported_excluding_psd2_at(url: &str) -> (RelayClient, MailboxToken, VerifiedDirectory, Report) {
    let client = common::bound_client(url).await;
    let token = common::report_excluding(
        url,
        common::concern(Category::HonestyAndIntegrity, "Cash went missing from the property store"),
        &["psd-2"],
    )
    .await;
    let dir = common::directory(url).await;
    let psd1 = common::reviewer("psd-1");
    let sealed = client.reviewer_get(psd1.signing_key(), "/v1/inbox/1", common::unix_now()).await.expect("read");
    let opened = open_document(psd1.identity(), &sealed[..], &mut DiscardAttachments).expect("psd-1 reads it");
    let Document::Report(report) = opened.document else { panic!("a report") };
    (client, token, dir, report)
}

/// Seals `document` to the named reviewers, signed by `signer`, and submits it as any reporter
/// would: the relay cannot tell it from a genuine one.
async fn submit_sealed(
    client: &RelayClient,
    dir: &VerifiedDirectory,
    document: Document,
    to: &[String],
    signer: &ed25519_dalek::SigningKey,
) {
    let recipients: Vec<age::x25519::Recipient> =
        to.iter().filter_map(|id| dir.reviewer(id)).filter_map(|r| r.x25519_recipient()).collect();
    let sealed =
        seal_document(&recipients, dir.directory().stanzas, &document, vec![], signer, Vec::new()).expect("seal");
    let solution = client.solve_challenge(sealed.len() as u64).await.expect("challenge");
    client.submit(&solution, sealed.into()).await.expect("the relay takes it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_readers_reply_cannot_add_the_excluded_reviewer_or_drop_the_others() {
    // Honesty goes to PSD and the ACU; the reporter excludes psd-2.
    let (relay, client, token, dir, report) = reported_excluding_psd2().await;
    let commitment = report.route.clone().expect("a format 2 report commits to its route");
    assert_eq!(commitment.readers, ["acu-1", "acu-2", "psd-1"]);
    assert_eq!(commitment.excluded, ["psd-2"]);

    // Before any honest receipt, psd-1 (a reader gone bad) files three messages:
    // 1. a genuine-looking reply echoing the commitment but naming psd-2 and nobody else;
    file_reply(&client, &report, SCHEMA_VERSION, &["psd-1", "psd-2"], Some(commitment.clone())).await;
    // 2. the same with a commitment it re-signed itself, adding psd-2 to the readers;
    let forger = candour_core::keys::ReviewerSecret::generate("psd-1");
    let forged =
        RouteCommitment::sign(&dir, report.thread_id, &["psd-1".into(), "psd-2".into()], &[], forger.signing_key())
            .expect("sign");
    file_reply(&client, &report, SCHEMA_VERSION, &["psd-1", "psd-2"], Some(forged)).await;
    // 3. a format 1 reply, which has no commitment at all, naming psd-2 only.
    file_reply(&client, &report, SCHEMA_V1, &["psd-2"], None).await;

    let (views, refused) = mailbox(&client, &token).await;
    assert_eq!(views.len(), 2, "the forged commitment is refused");
    assert!(matches!(refused.as_slice(), [ReplyError::ForgedRoute(by)] if by == "psd-1"), "{refused:?}");
    assert_eq!(refused[0].code(), "forged-route");
    // Format 1's rule, the newest message's list, would have sealed to psd-2 alone.
    assert_eq!(views.last().map(|v| v.thread_recipients.clone()), Some(vec!["psd-2".to_owned()]));
    let FollowUpReaders::Known(route) = follow_up_readers(&dir, &token, &views) else { panic!("received") };
    assert_eq!(route.readers, ["psd-1", "acu-1", "acu-2"], "the report's own readers, in directory order");
    assert_eq!(route.refused_excluded, ["psd-2"]);
    assert_eq!(route.uncommitted_ignored, 1);
    let notes = route.notes().join("\n");
    assert!(notes.contains("asked for psd-2 to read your follow-ups. You excluded them"), "{notes}");

    // A client cannot be talked into it either: the commitment refuses outsiders.
    let more = || Concern { what: "He did it again on Friday.".into(), ..Default::default() };
    let refused =
        compose_follow_up(&dir, &token, more(), vec!["psd-2".into()], route.commitment.clone(), common::today());
    assert!(matches!(refused, Err(ComposeError::OutsideCommitment(ref id)) if id == "psd-2"), "{refused:?}");

    common::follow_up(&relay.url, &token, "He did it again on Friday.", route.readers.clone()).await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd2 = common::session(&relay.url, "psd-2", cache.path()).await;
    let synced = psd2.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.follow_ups), (0, 0), "psd-2 reads neither: {synced:?}");
    let mut acu2 = common::session(&relay.url, "acu-2", cache.path()).await;
    let synced = acu2.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.follow_ups, synced.rejected.len()), (1, 1, 0), "{synced:?}");

    // The honest receipt acu-2's tool filed echoes the same commitment.
    let (views, _) = mailbox(&client, &token).await;
    let receipt = views.last().expect("a receipt");
    assert_eq!(receipt.route.as_ref(), Some(&commitment));
    assert_eq!(receipt.directory_version, Some(dir.directory().version));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_outside_its_commitment_is_refused_by_the_reviewers_tool() {
    let (relay, client, token, dir, report) = reported_excluding_psd2().await;
    // A hand-made follow-up (the token's own key, so it verifies) sealed to psd-2 as well,
    // echoing the commitment that excludes psd-2: the document itself is refused.
    let mut follow = report.clone();
    follow.concern = Concern { what: "more".into(), ..Default::default() };
    follow.sealed_to = vec!["psd-1".into(), "psd-2".into()];
    let to = follow.sealed_to.clone();
    submit_sealed(&client, &dir, Document::FollowUp(follow), &to, &token.signing_key()).await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd2 = common::session(&relay.url, "psd-2", cache.path()).await;
    let synced = psd2.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.follow_ups), (0, 0), "{synced:?}");
    assert!(
        synced.rejected.iter().any(|r| r.contains("outside its committed readers")),
        "the follow-up is refused as sealed outside the commitment: {synced:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_follow_up_is_one_message_not_two() {
    let (relay, client, token, _dir, reported) = reported_excluding_psd2().await;
    let cache = tempfile::tempdir().expect("cache");
    let mut acu1 = common::session(&relay.url, "acu-1", cache.path()).await;
    acu1.sync().await.expect("sync");
    common::follow_up(&relay.url, &token, "It happened again on Friday.", vec!["psd-1".into(), "acu-1".into()]).await;
    // A reader submits the follow-up's envelope a second time, byte for byte.
    let acu1_key = common::reviewer("acu-1");
    let copy = client.reviewer_get(acu1_key.signing_key(), "/v1/inbox/2", common::unix_now()).await.expect("read");
    let solution = client.solve_challenge(copy.len() as u64).await.expect("challenge");
    client.submit(&solution, copy.into()).await.expect("the relay cannot tell");
    let synced = acu1.sync().await.expect("sync");
    assert_eq!(synced.follow_ups, 1, "{synced:?}");
    assert!(synced.flagged.iter().any(|f| f.contains("the same follow-up as inbox entry 2 again")), "{synced:?}");
    let case = candour_review::state::case_ref(&token.thread_id());
    assert_eq!(acu1.case(&case).expect("case").follow_ups.len(), 1);

    // The other way: acu-1's receipt filed in the mailbox a second time, byte for byte.
    let first = client.mailbox_all(&token.mailbox_id()).await.expect("mailbox")[0].seq;
    let receipt = client.mailbox_read(&token.mailbox_id(), first).await.expect("read");
    let report = reported.mailbox;
    client.reviewer_mailbox_append(acu1_key.signing_key(), &report, receipt, common::unix_now()).await.expect("append");
    let (mut views, refused) = mailbox(&client, &token).await;
    assert_eq!((views.len(), refused.len()), (2, 0));
    assert_eq!(candour_submit::mailbox::drop_repeats(&mut views), 1);
    assert_eq!(views.len(), 1, "the reporter sees it once");
}

/// A reader who also runs the relay has seen a report's thread id. It seals a report of its own
/// under that thread with another key (and a commitment that key signed) and hides the genuine
/// report, so a colleague's fresh sync meets the forgery first. In format 2 the thread id is
/// bound to the reporter's key, so the forgery cannot claim the thread at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_key_cannot_claim_a_thread_even_when_the_relay_reorders_the_inbox() {
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    let (client, _token, dir, genuine) = reported_excluding_psd2_at(&relay.url).await;

    let impostor = MailboxToken::generate();
    let route = genuine.route.clone().expect("commitment");
    let forged_route =
        RouteCommitment::sign(&dir, genuine.thread_id, &route.readers, &route.excluded, &impostor.signing_key())
            .expect("sign");
    let forged = Report {
        concern: Concern {
            category: genuine.concern.category,
            what: "Please disregard my report: it was a misunderstanding.".into(),
            ..Default::default()
        },
        reply_recipient: impostor.reply_identity().to_public().to_string(),
        mailbox: impostor.mailbox_id().address(),
        reporter_key: impostor.public_signing_key(),
        route: Some(forged_route),
        ..genuine.clone()
    };
    let to = forged.sealed_to.clone();
    submit_sealed(&client, &dir, Document::Report(forged), &to, &impostor.signing_key()).await;
    store.hide(candour_relay::store::Place::Inbox, 1);

    let cache = tempfile::tempdir().expect("cache");
    let mut acu2 = common::session(&relay.url, "acu-2", cache.path()).await;
    let synced = acu2.sync().await.expect("sync");
    assert_eq!((synced.reports, acu2.cases().count()), (0, 0), "the forgery opens no case: {synced:?}");
    assert!(
        synced.rejected.iter().any(|r| r.contains("thread id is not derived from the reporter's key")),
        "{synced:?}"
    );
}

/// A relay operator withholds a reply from the reporter's mailbox. The reporter's next
/// follow-up names the newest reply they saw, so the case shows the readers that a reply sent
/// before it never reached them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_withheld_from_the_mailbox_shows_in_the_case() {
    let store = std::sync::Arc::new(common::TamperableStore::default());
    let relay = common::relay_over(store.clone()).await;
    let (client, token, dir, _report) = reported_excluding_psd2_at(&relay.url).await;
    let cache = tempfile::tempdir().expect("cache");
    let mut psd1 = common::session(&relay.url, "psd-1", cache.path()).await;
    psd1.sync().await.expect("sync");
    let case = candour_review::state::case_ref(&token.thread_id());
    let today = common::today();
    psd1.reply(&case, "Thank you: we have it.", candour_review::event::ReplyKind::Acknowledgement)
        .await
        .expect("reply");
    psd1.reply(&case, "Can you tell us who else saw it?", candour_review::event::ReplyKind::Message)
        .await
        .expect("reply");
    let mailbox = client.mailbox_all(&token.mailbox_id()).await.expect("mailbox");
    assert_eq!(mailbox.len(), 3, "a receipt and two replies");
    store.hide(candour_relay::store::Place::Mailbox(token.mailbox_id().address()), mailbox[2].seq.0);

    // The reporter reads what the relay shows (the receipt and the first reply) and writes back
    // the next day.
    let (views, _) = self::mailbox(&client, &token).await;
    assert_eq!(views.len(), 2);
    let FollowUpReaders::Known(route) = follow_up_readers(&dir, &token, &views) else { panic!("received") };
    let more = Concern { what: "Nobody else was there.".into(), ..Default::default() };
    let composed =
        compose_follow_up(&dir, &token, more, route.readers.clone(), route.commitment.clone(), today.plus_days(1))
            .expect("compose")
            .with_last_seen(route.last_seen);
    candour_submit::send::send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");

    psd1.sync().await.expect("sync");
    let all: Vec<_> = psd1.cases().cloned().collect();
    let view = candour_review::views::show(&dir, psd1.case(&case).expect("case"), &all);
    assert_eq!(view.thread.len(), 2);
    assert_eq!(view.thread[0].mailbox_notes, Vec::<String>::new(), "the report itself saw nothing");
    let notes = view.thread[1].mailbox_notes.join("\n");
    assert!(notes.contains("did not show 1 reply sent to them on an earlier day"), "{notes}");
    assert!(notes.contains("withholding replies"), "{notes}");
}
