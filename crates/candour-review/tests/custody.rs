//! Custodian-held identities (docs/design.md §6 "Custodian-held identities"), over a real
//! loopback relay on sled whose directory names pcc-ce as the identity custodian. A confidential
//! reporter's name and contact are sealed to pcc-ce, not to the readers: psd-1 cannot open them
//! before a grant and can after it; psd-2, another reader, never can; a declined request says
//! so; a forged answer is refused; every step is in the case's history; and the relay's disk
//! holds no canary at any point.

mod common;

use candour_core::custody::{open_held, IdentityAnswer};
use candour_core::report::{Category, Concern, Disclosure, Document, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_review::ReviewSession;
use common::{reviewer, session, today, Relay};

const NAME: &str = "CANARY-name-5b2e Jo Bloggs";
const CONTACT: &str = "CANARY-contact-5b2e 07700 900123";

async fn relay_with_custodian() -> (Relay, tempfile::TempDir) {
    let (folder, path) = common::fresh::signed_directory(|d| d.custodians = vec!["pcc-ce".into()]);
    (Relay::start_with(&path).await, folder)
}

async fn confidential_report(url: &str) -> (MailboxToken, String) {
    let concern = Concern {
        disclosure: Disclosure::Confidential { name: Some(NAME.into()), contact: Some(CONTACT.into()) },
        ..common::concern(Category::Other, "CANARY-what-5b2e the inspector's expenses")
    };
    let token = common::report(url, concern).await;
    let case = candour_review::state::case_ref(&token.thread_id());
    (token, case)
}

/// Whether the relay's data folder, read file by file, holds any canary of the identity.
fn relay_holds_identity(relay: &Relay) -> Vec<std::path::PathBuf> {
    [NAME, CONTACT, "CANARY-name-5b2e", "CANARY-contact-5b2e"]
        .iter()
        .flat_map(|n| common::files_holding(relay.data_path(), n))
        .collect()
}

fn history(s: &ReviewSession, case: &str) -> Vec<String> {
    s.case(case).expect("case").state().history.iter().map(|h| format!("{} {}", h.author, h.what)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_learns_the_reporters_identity_only_when_the_custodian_grants_it() {
    let (relay, _folder) = relay_with_custodian().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (token, case) = confidential_report(&relay.url).await;
    assert_eq!(relay_holds_identity(&relay), Vec::<std::path::PathBuf>::new());
    assert!(!common::files_holding(relay.data_path(), "age-encryption.org/v1").is_empty(), "the scan reads the store");

    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    let mut custodian = session(&relay.url, "pcc-ce", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd2.sync().await.expect("sync");
    let reported = psd1.case(&case).expect("case").report.clone().expect("report").report;
    let Disclosure::Held { custodians, held } = &reported.concern.disclosure else {
        panic!("the identity travels held: {:?}", reported.concern.disclosure)
    };
    assert_eq!(custodians, &["pcc-ce"]);
    // No reader's key opens it; the custodian's does.
    for id in ["psd-1", "psd-2", "acu-1"] {
        let err = open_held(reviewer(id).identity(), held, &token.thread_id(), &reported.reporter_key)
            .expect_err("a reader cannot open the identity");
        assert_eq!(err.code(), "custody-cannot-open", "{id}: {err}");
    }
    let opened = open_held(reviewer("pcc-ce").identity(), held, &token.thread_id(), &reported.reporter_key)
        .expect("the custodian can");
    assert_eq!(opened.name.as_deref(), Some(NAME));
    assert!(psd1.revealed_identity(&case).is_none());
    let shown = serde_json::to_string(&candour_review::views::show(
        psd1.directory(),
        psd1.case(&case).expect("case"),
        psd1.cases(),
    ))
    .expect("json");
    assert!(!shown.contains("CANARY-name") && !shown.contains("CANARY-contact"), "the readers' view holds neither");

    // A request needs a reason, and only a case whose identity is held has one to ask for.
    let refused = psd1.request_identity(&case, "  ").await.expect_err("no reason");
    assert_eq!(refused.code(), "custody-refused", "{refused}");
    let anonymous = common::report(&relay.url, common::concern(Category::Other, "an anonymous one")).await;
    let anonymous = candour_review::state::case_ref(&anonymous.thread_id());
    psd1.sync().await.expect("sync");
    let refused = psd1.request_identity(&anonymous, "curious").await.expect_err("nothing held");
    assert!(refused.to_string().contains("not held by a custodian"), "{refused}");

    psd1.request_identity(&case, "to take a witness statement in person").await.expect("request");
    psd2.request_identity(&case, "to check a duty roster").await.expect("request");
    assert!(custodian.cases().next().is_none(), "the custodian reads no case");
    let synced = custodian.sync().await.expect("sync");
    assert_eq!(synced.identity_requests, 2, "{synced:?}");
    assert!(synced.rejected.is_empty(), "{synced:?}");
    assert_eq!(custodian.cases().count(), 0, "and still reads none");
    let requests = custodian.identity_requests().to_vec();
    assert_eq!(requests.iter().map(|r| r.request.requester.as_str()).collect::<Vec<_>>(), ["psd-1", "psd-2"]);
    assert_eq!(requests[0].case, case);
    assert_eq!(requests[0].request.reason, "to take a witness statement in person");

    // psd-1 cannot answer (not a custodian's tool holds no requests); the custodian grants
    // psd-1's and declines psd-2's, each said why; a request is answered once.
    assert_eq!(
        psd1.answer_identity(requests[0].seq, true, "ok").await.expect_err("not mine").code(),
        "custody-refused"
    );
    custodian.answer_identity(requests[0].seq, true, "approved by the Head of PSD").await.expect("grant");
    custodian.answer_identity(requests[1].seq, false, "not needed for a roster check").await.expect("decline");
    assert!(custodian.answer_identity(requests[1].seq, true, "again").await.is_err(), "answered once");
    assert_eq!(relay_holds_identity(&relay), Vec::<std::path::PathBuf>::new(), "still ciphertext only");

    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.identity_answers, 1, "{synced:?}");
    assert!(synced.rejected.is_empty(), "{synced:?}");
    let revealed = psd1.revealed_identity(&case).expect("granted to psd-1");
    assert_eq!((revealed.name.as_deref(), revealed.contact.as_deref()), (Some(NAME), Some(CONTACT)));
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.identity_answers, 1, "{synced:?}");
    assert!(psd2.revealed_identity(&case).is_none(), "declined: psd-2 never learns it");
    assert_eq!(psd2.identity_answers(&case).expect("answers")[0].note, "not needed for a roster check");

    // Every step is in the history every reader sees, and no history entry names the reporter.
    let mut acu1 = session(&relay.url, "acu-1", tmp.path()).await;
    acu1.sync().await.expect("sync");
    let seen = history(&acu1, &case);
    for expected in [
        "psd-1 asked the identity custodians for the reporter's name and contact: to take a witness statement",
        "psd-2 asked the identity custodians",
        "psd-1 pcc-ce granted the request: the reporter's name and contact were re-sealed to psd-1 alone",
        "psd-2 pcc-ce declined the request",
    ] {
        assert!(seen.iter().any(|h| h.starts_with(expected)), "{expected:?} in {seen:?}");
    }
    assert!(!seen.iter().any(|h| h.contains("CANARY-name") || h.contains("CANARY-contact")), "{seen:?}");
    assert!(acu1.revealed_identity(&case).is_none());
    assert_eq!(relay_holds_identity(&relay), Vec::<std::path::PathBuf>::new(), "ciphertext only throughout");
}

/// An answer not signed by a custodian, or carrying another identity than the reporter's own,
/// is refused: a reader cannot grant themselves, or be handed, someone else's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_or_substituted_answer_is_refused() {
    let (relay, _folder) = relay_with_custodian().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, case) = confidential_report(&relay.url).await;
    let (other_token, _) = confidential_report(&relay.url).await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd1.request_identity(&case, "to take a statement").await.expect("request");
    let file = psd1.case(&case).expect("case").clone();
    let dir = psd1.directory().clone();
    let to_psd1 = [dir.reviewer("psd-1").and_then(|r| r.x25519_recipient()).expect("key")];
    let answer = |custodian: &str, granted: Option<String>| IdentityAnswer {
        schema: SCHEMA_VERSION,
        thread_id: file.thread_id,
        requester: "psd-1".into(),
        custodian: custodian.into(),
        day: today(),
        note: "here you are".into(),
        granted,
    };
    let submit = |document: Document, signer: &str| {
        let sealed = candour_core::message::seal_document(
            &to_psd1,
            dir.directory().stanzas,
            &document,
            vec![],
            reviewer(signer).signing_key(),
            Vec::new(),
        )
        .expect("seal");
        let client = psd1.client().clone();
        async move { client.inbox_submit(sealed).await.expect("the relay takes it") }
    };
    // psd-2 signs an answer claiming to be from pcc-ce.
    submit(Document::IdentityAnswer(answer("pcc-ce", None)), "psd-2").await;
    // pcc-ce hands psd-1 the other report's identity, re-sealed, for this case.
    let mut other_reader = session(&relay.url, "psd-2", tmp.path()).await;
    other_reader.sync().await.expect("sync");
    let other_ref = candour_review::state::case_ref(&other_token.thread_id());
    let Disclosure::Held { held, .. } =
        other_reader.case(&other_ref).expect("case").report.clone().expect("report").report.concern.disclosure
    else {
        panic!("held")
    };
    let substituted =
        candour_core::custody::reseal_held(reviewer("pcc-ce").identity(), &held, &to_psd1, dir.directory().stanzas)
            .expect("reseal");
    submit(Document::IdentityAnswer(answer("pcc-ce", Some(substituted))), "pcc-ce").await;

    let synced = psd1.sync().await.expect("sync");
    assert_eq!(synced.identity_answers, 0, "{synced:?}");
    let rejected = synced.rejected.join("\n");
    assert!(rejected.contains("custody-not-the-author"), "{rejected}");
    assert!(rejected.contains("custody-not-the-reporters"), "{rejected}");
    assert!(psd1.revealed_identity(&case).is_none());
}

/// Without custodians in the directory, confidential details go to the readers, and the
/// reporter's preview says so; with custodians all excluded, the report is not sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporter_is_told_who_reads_their_name() {
    let (relay, _folder) = relay_with_custodian().await;
    let dir = common::directory(&relay.url).await;
    let token = MailboxToken::generate();
    let concern = Concern {
        disclosure: Disclosure::Confidential { name: Some(NAME.into()), contact: None },
        ..common::concern(Category::Other, "expenses")
    };
    let composed =
        candour_submit::compose::compose_report(&dir, &token, concern.clone(), &[], today()).expect("compose");
    let said = composed.preview(&dir).identity.expect("said");
    assert!(said.contains("identity custodian") && said.contains("[pcc-ce]"), "{said}");
    let refused = candour_submit::compose::compose_report(&dir, &token, concern.clone(), &["pcc-ce".into()], today())
        .expect_err("every custodian excluded");
    assert_eq!(refused.code(), "no-custodian", "{refused}");

    let (_plain_folder, plain_path) = common::fresh::signed_directory(|d| d.custodians.clear());
    let plain = common::directory(&Relay::start_with(&plain_path).await.url).await;
    let composed = candour_submit::compose::compose_report(&plain, &token, concern, &[], today()).expect("compose");
    assert!(composed.preview(&plain).identity.expect("said").contains("read by everyone above"));
    let Document::Report(r) = &composed.document else { panic!("a report") };
    assert!(matches!(r.concern.disclosure, Disclosure::Confidential { .. }), "no custodian: as before");
}

/// A reader who asked, and from whom the case was then transferred away, is not given the name
/// when the custodian's grant arrives, and their sync goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_for_a_case_moved_away_from_the_requester_is_refused() {
    let (relay, _folder) = relay_with_custodian().await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (_, case) = confidential_report(&relay.url).await;
    let mut psd1 = session(&relay.url, "psd-1", tmp.path()).await;
    let mut psd2 = session(&relay.url, "psd-2", tmp.path()).await;
    let mut custodian = session(&relay.url, "pcc-ce", tmp.path()).await;
    psd1.sync().await.expect("sync");
    psd2.sync().await.expect("sync");
    psd2.request_identity(&case, "to check the rota").await.expect("request");
    psd1.sync().await.expect("sync");
    psd1.transfer(&case, "sb-prevent", "a Prevent concern after all").await.expect("transfer");
    custodian.sync().await.expect("sync");
    let seq = custodian.identity_requests()[0].seq;
    custodian.answer_identity(seq, true, "approved").await.expect("grant");
    let synced = psd2.sync().await.expect("the requester's sync goes on");
    assert!(synced.rejected.iter().any(|r| r.contains("custody-moved-away")), "{synced:?}");
    assert!(psd2.revealed_identity(&case).is_none());
}
