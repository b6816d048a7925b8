//! Custodian-held identities (docs/design.md §6, `candour_core::custody`): the three envelopes
//! frozen by a golden fixture (written once when its folder is missing, then opened and
//! compared on every run), and each check at its edge.

use std::fs;
use std::path::Path;

use candour_core::custody::{
    self, open_held, reseal_held, seal_held, HeldIdentity, IdentityAnswer, IdentityRequest, MAX_CUSTODY_NOTE_CHARS,
    MAX_HELD_CHARS, MAX_IDENTITY_FIELD_CHARS,
};
use candour_core::envelope::{self, DiscardAttachments, EnvelopeKind};
use candour_core::keys::{PublicSigningKey, ReviewerSecret};
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Document, SCHEMA_VERSION};
use candour_core::token::MailboxToken;
use candour_core::Day;

fn identity_of(token: &MailboxToken) -> HeldIdentity {
    HeldIdentity {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        reporter_key: token.public_signing_key(),
        name: Some("Jo Bloggs".into()),
        contact: Some("07700 900123, evenings".into()),
    }
}

fn write_fixture(dir: &Path) {
    use age::secrecy::ExposeSecret as _;
    fs::create_dir_all(dir).expect("fixture folder");
    let token = MailboxToken::generate();
    let custodian = ReviewerSecret::generate("golden-custodian");
    let requester = ReviewerSecret::generate("golden-psd-1");
    let day = Day::from_ymd(2026, 12, 2).expect("day");
    let held = seal_held(&identity_of(&token), &[custodian.recipient()], 4, &token.signing_key()).expect("seal");
    let request = Document::IdentityRequest(IdentityRequest {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        requester: "golden-psd-1".into(),
        day,
        reason: "To take a witness statement in person.".into(),
        held: held.clone(),
    });
    let granted = reseal_held(custodian.identity(), &held, &[requester.recipient()], 4).expect("reseal");
    let answer = Document::IdentityAnswer(IdentityAnswer {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        requester: "golden-psd-1".into(),
        custodian: "golden-custodian".into(),
        day,
        note: "Approved by the Head of PSD.".into(),
        granted: Some(granted),
    });
    let to_custodian =
        seal_document(&[custodian.recipient()], 4, &request, vec![], requester.signing_key(), Vec::new())
            .expect("seal");
    let to_requester =
        seal_document(&[requester.recipient()], 4, &answer, vec![], custodian.signing_key(), Vec::new()).expect("seal");
    fs::write(dir.join("held.txt"), format!("{held}\n")).expect("write");
    fs::write(dir.join("request.age"), to_custodian).expect("write");
    fs::write(dir.join("request.json"), serde_json::to_vec_pretty(&request).expect("json")).expect("write");
    fs::write(dir.join("answer.age"), to_requester).expect("write");
    fs::write(dir.join("answer.json"), serde_json::to_vec_pretty(&answer).expect("json")).expect("write");
    for (name, secret) in [("custodian", &custodian), ("requester", &requester)] {
        fs::write(
            dir.join(format!("{name}.identity.txt")),
            format!("{}\n", secret.age_identity_text().expose_secret()),
        )
        .expect("write");
        fs::write(dir.join(format!("{name}.pub")), format!("{}\n", secret.public_signing_key())).expect("write");
    }
    fs::write(dir.join("reporter.pub"), format!("{}\n", token.public_signing_key())).expect("write");
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).expect(name).trim().to_owned()
}

#[test]
fn golden_custody_envelopes_open_as_their_kinds_and_signers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden-custody");
    if !dir.join("answer.age").exists() {
        write_fixture(&dir);
    }
    let custodian: age::x25519::Identity = read(&dir, "custodian.identity.txt").parse().expect("identity");
    let requester: age::x25519::Identity = read(&dir, "requester.identity.txt").parse().expect("identity");
    let key = |name: &str| -> PublicSigningKey { read(&dir, name).parse().expect("key") };
    let held = read(&dir, "held.txt");

    for (file, json, identity, kind, signer) in [
        ("request.age", "request.json", &custodian, EnvelopeKind::IdentityRequest, key("requester.pub")),
        ("answer.age", "answer.json", &requester, EnvelopeKind::IdentityAnswer, key("custodian.pub")),
    ] {
        let sealed = fs::read(dir.join(file)).expect("envelope");
        let framed = envelope::open(identity, &sealed[..], &mut DiscardAttachments).expect("frame opens");
        assert_eq!((framed.kind, framed.signer), (Some(kind), signer), "{file}");
        let expected: Document = serde_json::from_slice(&fs::read(dir.join(json)).expect("doc")).expect("json");
        assert_eq!(open_document(identity, &sealed[..], &mut DiscardAttachments).expect("opens").document, expected);
    }
    let Document::IdentityRequest(request) =
        serde_json::from_slice(&fs::read(dir.join("request.json")).expect("doc")).expect("json")
    else {
        panic!("a request")
    };
    assert_eq!(request.held, held, "the request carries the held envelope as the report did");
    // The held envelope opens for the custodian as the reporter's own, for this thread.
    let reporter = key("reporter.pub");
    let bytes = custody::held_bytes(&held).expect("base64");
    let framed = envelope::open(&custodian, &bytes[..], &mut DiscardAttachments).expect("frame opens");
    assert_eq!((framed.kind, framed.signer), (Some(EnvelopeKind::HeldIdentity), reporter));
    let opened = open_held(&custodian, &held, &request.thread_id, &reporter).expect("custodian opens");
    assert_eq!(opened.name.as_deref(), Some("Jo Bloggs"));
    assert!(open_held(&requester, &held, &request.thread_id, &reporter).is_err(), "not the requester, before");
    // The grant is the same identity, the reporter's signature and all, for the requester only.
    let Document::IdentityAnswer(answer) =
        serde_json::from_slice(&fs::read(dir.join("answer.json")).expect("doc")).expect("json")
    else {
        panic!("an answer")
    };
    let granted = answer.granted.expect("granted");
    assert_eq!(open_held(&requester, &granted, &request.thread_id, &reporter).expect("requester opens"), opened);
    assert!(
        open_held(&custodian, &granted, &request.thread_id, &reporter).is_err(),
        "re-sealed to the requester alone"
    );
}

#[test]
fn a_held_identity_is_checked_at_its_edges() {
    let token = MailboxToken::generate();
    let custodian = ReviewerSecret::generate("custodian");
    let seal = |h: &HeldIdentity| seal_held(h, &[custodian.recipient()], 4, &token.signing_key());
    let good = identity_of(&token);
    let held = seal(&good).expect("seals");
    let long = "x".repeat(MAX_IDENTITY_FIELD_CHARS);
    seal(&HeldIdentity { name: Some(long.clone()), contact: None, ..good.clone() }).expect("at the limit");
    for bad in [
        HeldIdentity { name: None, contact: None, ..good.clone() },
        HeldIdentity { name: Some("  ".into()), contact: None, ..good.clone() },
        HeldIdentity { name: Some(format!("{long}x")), ..good.clone() },
        HeldIdentity { schema: 1, ..good.clone() },
    ] {
        assert_eq!(seal(&bad).expect_err("refused").code(), "custody-field", "{bad:?}");
    }
    // Re-sealed for one requester: theirs to open, as the same identity, and nobody else's.
    let requester = ReviewerSecret::generate("psd-1");
    let granted = reseal_held(custodian.identity(), &held, &[requester.recipient()], 4).expect("reseal");
    let opened = open_held(requester.identity(), &granted, &token.thread_id(), &token.public_signing_key())
        .expect("the requester opens the grant");
    assert_eq!(opened, good);
    assert!(open_held(custodian.identity(), &granted, &token.thread_id(), &token.public_signing_key()).is_err());
    assert!(reseal_held(requester.identity(), &held, &[requester.recipient()], 4).is_err(), "only a holder reseals");
    // Opened for another thread, or as another reporter's, it is refused.
    let other = MailboxToken::generate();
    let err =
        open_held(custodian.identity(), &held, &other.thread_id(), &token.public_signing_key()).expect_err("thread");
    assert_eq!(err.code(), "custody-other-thread");
    let err = open_held(custodian.identity(), &held, &token.thread_id(), &other.public_signing_key()).expect_err("key");
    assert_eq!(err.code(), "custody-other-reporter");
    // Signed by someone else than the reporter it names: refused when opened.
    let forged = Document::HeldIdentity(identity_of(&token));
    let sealed =
        seal_document(&[custodian.recipient()], 4, &forged, vec![], &other.signing_key(), Vec::new()).expect("seal");
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(sealed)
    };
    let err =
        open_held(custodian.identity(), &b64, &token.thread_id(), &token.public_signing_key()).expect_err("forged");
    assert_eq!(err.code(), "custody-cannot-open", "{err}");
    // Not base64, empty or too long.
    for text in ["not base64 !".to_owned(), String::new(), "A".repeat(MAX_HELD_CHARS + 4)] {
        let err =
            open_held(custodian.identity(), &text, &token.thread_id(), &token.public_signing_key()).expect_err("bad");
        assert_eq!(err.code(), "custody-encoding");
    }
    // Another kind of envelope is not an identity.
    let request = Document::IdentityRequest(IdentityRequest {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        requester: "psd-1".into(),
        day: Day::from_ymd(2026, 12, 2).expect("day"),
        reason: "a reason".into(),
        held,
    });
    let sealed =
        seal_document(&[custodian.recipient()], 4, &request, vec![], &token.signing_key(), Vec::new()).expect("seal");
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(sealed)
    };
    let err = open_held(custodian.identity(), &b64, &token.thread_id(), &token.public_signing_key()).expect_err("kind");
    assert_eq!(err.code(), "custody-not-an-identity", "{err}");
}

#[test]
fn requests_and_answers_are_checked_at_their_edges() {
    let token = MailboxToken::generate();
    let custodian = ReviewerSecret::generate("custodian");
    let held = seal_held(&identity_of(&token), &[custodian.recipient()], 4, &token.signing_key()).expect("seal");
    let request = IdentityRequest {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        requester: "psd-1".into(),
        day: Day::from_ymd(2026, 12, 2).expect("day"),
        reason: "r".repeat(MAX_CUSTODY_NOTE_CHARS),
        held: held.clone(),
    };
    let parse = |d: Document| Document::from_json(&d.to_json()).map_err(|e| e.code());
    assert!(parse(Document::IdentityRequest(request.clone())).is_ok(), "at the limit");
    let longest = IdentityRequest { held: "A".repeat(MAX_HELD_CHARS), ..request.clone() };
    assert!(parse(Document::IdentityRequest(longest)).is_ok(), "a held envelope of the largest size");
    for bad in [
        IdentityRequest { reason: "r".repeat(MAX_CUSTODY_NOTE_CHARS + 1), ..request.clone() },
        IdentityRequest { reason: " ".into(), ..request.clone() },
        IdentityRequest { requester: String::new(), ..request.clone() },
        IdentityRequest { held: String::new(), ..request.clone() },
        IdentityRequest { schema: 1, ..request.clone() },
    ] {
        assert_eq!(parse(Document::IdentityRequest(bad)), Err("document-bad-custody"));
    }
    let answer = IdentityAnswer {
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        requester: "psd-1".into(),
        custodian: "pcc-ce".into(),
        day: request.day,
        note: "declined: not needed".into(),
        granted: None,
    };
    assert!(parse(Document::IdentityAnswer(answer.clone())).is_ok());
    for bad in [
        IdentityAnswer { note: String::new(), ..answer.clone() },
        IdentityAnswer { custodian: String::new(), ..answer.clone() },
        IdentityAnswer { granted: Some(String::new()), ..answer.clone() },
        IdentityAnswer { granted: Some("A".repeat(MAX_HELD_CHARS + 1)), ..answer.clone() },
    ] {
        assert_eq!(parse(Document::IdentityAnswer(bad)), Err("document-bad-custody"));
    }
    let text = r#"{"type":"identity-answer","schema":2,"thread_id":"00000000000000000000000000000000","requester":"a","custodian":"b","day":"2026-12-02","note":"n","extra":1}"#;
    assert_eq!(Document::from_json(text.as_bytes()).map_err(|e| e.code()), Err("document-schema"), "unknown field");
    // Each kind has its own byte, name and signature context.
    let kinds = [EnvelopeKind::HeldIdentity, EnvelopeKind::IdentityRequest, EnvelopeKind::IdentityAnswer];
    assert_eq!(kinds.map(EnvelopeKind::byte), [7, 8, 9]);
    assert_eq!(kinds.map(EnvelopeKind::name), ["held identity", "identity request", "identity answer"]);
    for k in kinds {
        assert_eq!(EnvelopeKind::from_byte(k.byte()), Some(k));
        assert!(String::from_utf8_lossy(k.signature_context()).ends_with(&format!("/{}\n", k.name().replace(' ', "-"))));
    }
}
