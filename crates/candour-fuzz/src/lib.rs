//! Fuzz harnesses for every Candour parser that meets untrusted bytes.
//!
//! Each public function takes arbitrary bytes, feeds them to the real parser and asserts what
//! must hold for every input: no panic, a clean error (with a stable `code()` where the type has
//! one), and round trips where there is a canonical form. The same functions run in two ways:
//!
//! - briefly inside `cargo test -p candour-fuzz` (`tests/fuzz.rs`, bolero's test engine on stable
//!   Rust), over the checked-in seeds, seed mutations and random bytes;
//! - for as long as wanted under AFL++ (`scripts/fuzz.sh`, cargo-afl on stable Rust), through the
//!   one binary `src/bin/afl.rs`, which takes a target name from [`TARGETS`].
//!
//! See `README.md` beside this crate for what each target feeds and checks.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::io::{Read, Write};
use std::sync::OnceLock;

use candour_core::auth::{AuthError, SignedHeaders};
use candour_core::directory::{self, Directory, TrustPolicy};
use candour_core::envelope::{self, CollectAttachments, DiscardAttachments, OpenError};
use candour_core::keys::{RootPublicKey, RootSecretKey};
use candour_core::message::{self, OpenDocumentError};
use candour_core::pow::{self, Challenge, ChallengeRequest, ChallengeToken, PowError, Solution};
use candour_core::report::{Document, DocumentError};
use candour_core::shape::{self, Header, ShapeError};
use candour_core::token::{MailboxToken, TokenParseError};
use candour_core::wire::MailboxAddress;
use candour_core::Day;
use candour_submit::strip::{self, Kind, StripError};
use sha2::{Digest, Sha256};

/// A fuzz target: takes any bytes, panics only on a finding.
pub type Target = fn(&[u8]);

/// Every target, by the name `scripts/fuzz.sh`, the AFL++ binary and the seed folders use.
pub const TARGETS: &[(&str, Target)] = &[
    ("envelope_open", envelope_open),
    ("envelope_frame", envelope_frame),
    ("envelope_shape", envelope_shape),
    ("directory", directory),
    ("token_words", token_words),
    ("signed_request", signed_request),
    ("pow_solution", pow_solution),
    ("case_event", case_event),
    ("api_json", api_json),
    ("strip_jpeg", strip_jpeg),
    ("strip_png", strip_png),
    ("strip_pdf", strip_pdf),
];

/// The target called `name`, if there is one.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

// ---------------------------------------------------------------------------------------------
// Fixed keys
// ---------------------------------------------------------------------------------------------

/// The identity of the golden v1 fixture: its envelope (a seed) opens with it, so the fuzzer
/// starts from an envelope that decrypts, authenticates and carries an attachment.
const GOLDEN_IDENTITY: &str = include_str!("../../candour-core/tests/fixtures/golden-v1/identity.txt");
/// The example organisation's root, as clients pin it.
const EXAMPLE_ROOT: &str = include_str!("../../../keys-example/root.pub");
/// The directory test vectors' header names the three roots that signed them.
const VECTOR_HEADER: &str = include_str!("../../candour-core/tests/vectors/directory/two-of-three.vector");

/// The largest attachment the envelope harnesses collect in memory.
const COLLECT_LIMIT: u64 = 1 << 20;

fn identity() -> &'static age::x25519::Identity {
    static IDENTITY: OnceLock<age::x25519::Identity> = OnceLock::new();
    IDENTITY.get_or_init(|| GOLDEN_IDENTITY.trim().parse().expect("the golden fixture's identity parses"))
}

fn recipient() -> &'static age::x25519::Recipient {
    static RECIPIENT: OnceLock<age::x25519::Recipient> = OnceLock::new();
    RECIPIENT.get_or_init(|| identity().to_public())
}

/// The example root and the test vectors' roots: seeds signed by either get past the
/// signature check, so the fuzzer reaches the rollback, expiry and consistency checks.
fn pinned_roots() -> &'static [RootPublicKey] {
    static ROOTS: OnceLock<Vec<RootPublicKey>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = vec![EXAMPLE_ROOT.trim().parse().expect("keys-example/root.pub parses")];
        for line in VECTOR_HEADER.lines().take_while(|l| !l.is_empty()) {
            if let Some(root) = line.strip_prefix("root: ") {
                roots.push(root.parse().expect("a vector root parses"));
            }
        }
        roots
    })
}

/// A root used only here, to sign whatever the fuzzer makes and check that it then verifies.
fn fuzz_root(n: u8) -> RootSecretKey {
    RootSecretKey::from_seed(&[0xF0 ^ n; 32])
}

/// The day the directory vectors are checked on.
fn vector_today() -> Day {
    Day::from_ymd(2026, 11, 27).expect("a real day")
}

// ---------------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------------

/// A stable code is a short kebab-case name.
fn assert_code(code: &str) {
    assert!(
        !code.is_empty() && code.len() <= 40 && code.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'),
        "unstable error code {code:?}"
    );
}

/// An error's message is something a person can read.
fn assert_message(e: &dyn std::fmt::Display) {
    assert!(!e.to_string().trim().is_empty(), "an error with an empty message");
}

/// `value` serialises to JSON that parses back to the same value, and serialising that again
/// gives the same bytes.
fn assert_json_round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = serde_json::to_vec(value).expect("a parsed value serialises");
    let back: T = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("re-serialised JSON does not parse: {e}: {}", String::from_utf8_lossy(&bytes)));
    assert_eq!(&back, value, "JSON round trip changed the value");
    assert_eq!(serde_json::to_vec(&back).expect("serialises"), bytes, "JSON is not canonical");
}

/// Parses `data` as JSON of `T` and, if it does, checks the round trip.
fn json_round_trip_if_parses<T>(data: &[u8]) -> Option<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    assert_json_round_trip(&value);
    Some(value)
}

fn open_error_kind(e: &OpenError) -> &'static str {
    match e {
        OpenError::CannotOpen => "cannot-open",
        OpenError::Malformed(_) => "malformed",
        OpenError::BadSignature => "bad-signature",
        OpenError::Sink(_) => "sink",
        other => panic!("an open error this harness does not know: {other:?}"),
    }
}

/// Checks what an envelope that opened says against the framing rules, and against
/// `open_document` on the same bytes.
fn check_opened(
    opened: Result<envelope::Opened, OpenError>,
    sink: &CollectAttachments,
    document: Result<message::OpenedDocument, OpenDocumentError>,
) {
    match opened {
        Ok(o) => {
            assert!(o.document.len() <= envelope::MAX_DOCUMENT_LEN as usize);
            assert!(o.attachments.len() <= envelope::MAX_ATTACHMENTS);
            assert_eq!(sink.collected.len(), o.attachments.len(), "the sink saw every attachment once");
            for ((meta, len), (collected_meta, bytes)) in o.attachments.iter().zip(&sink.collected) {
                assert_eq!(meta, collected_meta);
                assert_eq!(*len, bytes.len() as u64, "the sink's reader yields exactly the declared length");
            }
            match (Document::from_json(&o.document), document) {
                (Ok(doc), Ok(od)) => {
                    assert_eq!(od.document, doc);
                    assert_eq!(od.signer, o.signer);
                    assert_eq!(od.attachments, o.attachments);
                    assert_eq!(Document::from_json(&doc.to_json()), Ok(doc), "document round trip");
                }
                (Ok(doc), Err(OpenDocumentError::Document(DocumentError::WrongSigner))) => match doc {
                    Document::Report(r) | Document::FollowUp(r) => assert_ne!(r.reporter_key, o.signer),
                    other => panic!("WrongSigner for a document that names no signer: {other:?}"),
                },
                (Err(e), Err(OpenDocumentError::Document(e2))) => assert_eq!(e, e2),
                (doc, od) => panic!("open and open_document disagree: {doc:?} / {od:?}"),
            }
        }
        // Only the collecting sink refuses anything, and only attachments over its limit.
        Err(OpenError::Sink(_)) => {}
        Err(e) => {
            assert_message(&e);
            match document {
                Err(OpenDocumentError::Envelope(e2)) => {
                    assert_eq!(open_error_kind(&e), open_error_kind(&e2), "{e} / {e2}");
                    assert_eq!(e.to_string(), e2.to_string());
                }
                other => panic!("open failed with {e} but open_document gave {other:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Envelopes
// ---------------------------------------------------------------------------------------------

/// The bytes as an envelope, opened with the golden fixture's identity: `envelope::open` and
/// `message::open_document` never panic and agree with each other; what opens obeys the
/// framing limits, the sink reads exactly the declared attachment lengths, and the document
/// round-trips.
pub fn envelope_open(data: &[u8]) {
    let mut sink = CollectAttachments::new(COLLECT_LIMIT);
    let opened = envelope::open(identity(), data, &mut sink);
    let document = message::open_document(identity(), data, &mut DiscardAttachments);
    check_opened(opened, &sink, document);
    // The audit helper that reads a header's visible shape must not panic either.
    let _ = envelope::header_shape(data);
}

/// The bytes as the framed *plaintext* inside an envelope: they are encrypted to the fixed
/// identity with age (so the stream is authentic) and opened. This reaches the framing parser
/// (lengths, attachment metadata, signature, padding) that fuzzing ciphertext never reaches.
/// An authentic stream must never be reported as `CannotOpen`: that error means "not for you
/// or tampered with", and a framing fault must be named as one.
pub fn envelope_frame(plaintext: &[u8]) {
    let sealed = age_encrypt(plaintext);
    let mut sink = CollectAttachments::new(COLLECT_LIMIT);
    let opened = envelope::open(identity(), &sealed[..], &mut sink);
    if let Err(OpenError::CannotOpen) = &opened {
        panic!("an authentic age stream was reported as CannotOpen");
    }
    if let Ok(o) = &opened {
        // The document is the plaintext's bytes after the preamble, as framed: 14 bytes in
        // version 1, 15 (with the kind byte) in version 2.
        assert!(plaintext.starts_with(envelope::MAGIC));
        let start = if o.kind.is_some() { 15 } else { 14 };
        if let Some(kind) = o.kind {
            assert_eq!(plaintext[10], kind.byte());
        }
        let doc_len = o.document.len();
        assert_eq!(plaintext[start - 4..start], (doc_len as u32).to_be_bytes());
        assert_eq!(&plaintext[start..start + doc_len], &o.document[..]);
        assert_eq!(candour_core::padding::padded_len(plaintext.len() as u64), plaintext.len() as u64);
    }
    let document = message::open_document(identity(), &sealed[..], &mut DiscardAttachments);
    check_opened(opened, &sink, document);
}

fn age_encrypt(plaintext: &[u8]) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient() as &dyn age::Recipient))
        .expect("one X25519 recipient is accepted");
    let mut sealed = Vec::with_capacity(plaintext.len() + 512);
    let mut writer = encryptor.wrap_output(&mut sealed).expect("writing to memory");
    writer.write_all(plaintext).expect("writing to memory");
    writer.finish().expect("writing to memory");
    sealed
}

/// Prefix lengths below `len` to check: all of them for short headers, a spread otherwise (each
/// check parses up to 8 KiB).
fn prefix_lengths(len: usize) -> Vec<usize> {
    if len <= 256 {
        return (0..len).collect();
    }
    let mut ns: Vec<usize> = (0..64).chain(len - 64..len).collect();
    ns.extend((1..64).map(|i| i * len / 64));
    ns.sort_unstable();
    ns.dedup();
    ns
}

/// The bytes as the start of an upload, as the relay checks it before storing anything:
/// `shape::parse_header`, `check_prefix` and `check` never panic; a complete header is
/// complete exactly at its length and every shorter prefix is `Ok(None)`; an error stays an
/// error whatever follows; the header agrees with `envelope::header_shape`; and `check` accepts
/// exactly the Padmé payload lengths.
pub fn envelope_shape(data: &[u8]) {
    let parsed = shape::parse_header(data);
    match &parsed {
        Ok(Some(h)) => {
            assert!(h.len <= data.len() && h.len <= shape::MAX_HEADER_LEN, "{h:?}");
            assert!(h.len >= shape::AGE_V1_LINE.len() + shape::MAC_LINE_LEN);
            assert_eq!(shape::parse_header(&data[..h.len]), Ok(Some(h.clone())), "complete at its own length");
            for n in prefix_lengths(h.len) {
                assert_eq!(shape::parse_header(&data[..n]), Ok(None), "a {n}-byte prefix of a header is incomplete");
            }
            let seen =
                envelope::header_shape(&data[..h.len]).expect("header_shape reads a header parse_header accepts");
            assert_eq!(seen.x25519_stanzas, h.x25519);
            assert_eq!(seen.header_len, h.len);
            assert_eq!(seen.other_tags, h.grease.iter().cloned().collect::<Vec<_>>());
            check_whole(data, h);
        }
        Ok(None) => {
            assert!(data.len() < shape::MAX_HEADER_LEN, "an incomplete header is shorter than the limit");
            for n in prefix_lengths(data.len()) {
                assert_eq!(shape::parse_header(&data[..n]), Ok(None), "a prefix of an incomplete header");
            }
            for stanzas in [1, 12] {
                let e = shape::check(data, stanzas).expect_err("an incomplete header does not pass");
                assert_eq!(e.code(), "not-age");
            }
        }
        Err(e) => {
            assert_code(e.code());
            assert_message(e);
            let mut longer = data.to_vec();
            longer.extend_from_slice(b"\n--- AAAA\n");
            assert!(shape::parse_header(&longer).is_err(), "more bytes turned {e:?} into a header");
            assert_eq!(shape::check(data, 12).as_ref().err(), Some(e));
            assert_eq!(shape::check_prefix(data, 12, None).as_ref().err(), Some(e));
        }
    }
    // The length arithmetic the relay prices uploads with: every Padmé length is a payload
    // length the shape check accepts.
    if let Some(word) = data.get(..8) {
        let len = u64::from_le_bytes(word.try_into().expect("8 bytes")) >> 20; // up to 16 TiB
        let padded = candour_core::padding::padded_len(len);
        assert!(padded >= len && padded >= candour_core::padding::PADDING_FLOOR);
        assert!(shape::payload_len_is_padded(shape::payload_len(padded)), "padded length {padded}");
        let _ = shape::payload_len_is_padded(len);
    }
}

fn check_whole(data: &[u8], h: &Header) {
    assert_eq!(shape::check_prefix(data, h.x25519, None), Ok(Some(h.clone())));
    assert_eq!(
        shape::check_prefix(data, h.x25519 + 1, None),
        Err(ShapeError::StanzaCount { found: h.x25519, expected: h.x25519 + 1 })
    );
    let payload = (data.len() - h.len) as u64;
    let whole = shape::check(data, h.x25519);
    if shape::payload_len_is_padded(payload) {
        assert_eq!(whole, Ok(h.clone()));
    } else {
        assert_eq!(whole, Err(ShapeError::PayloadLength));
    }
    assert_eq!(shape::check_total_len(h, data.len() as u64).is_ok(), whole.is_ok());
}

// ---------------------------------------------------------------------------------------------
// 3. The key directory
// ---------------------------------------------------------------------------------------------

/// The bytes as a served directory, verified against the example root and the vectors' roots
/// (threshold 1, then 2): never a panic, errors with stable codes, and a verified directory is
/// consistent, current and round-trips; a stricter policy never accepts what a looser one
/// refuses. Anything that parses as a `Directory` (alone or as the served `directory` member) is
/// run through `validate`. Whatever `directory::sign` accepts, signed by a fuzz root, must then
/// verify against that root, alone and co-signed 2-of-2.
pub fn directory(data: &[u8]) {
    let policy = |threshold, min_version| TrustPolicy {
        roots: pinned_roots().to_vec(),
        threshold,
        min_version,
        today: vector_today(),
    };
    let one = directory::verify(data, &policy(1, 0));
    let two = directory::verify(data, &policy(2, 0));
    for result in [&one, &two] {
        match result {
            Ok(v) => {
                let d = v.directory();
                assert_eq!(directory::validate(d), Ok(()));
                assert!(vector_today() <= d.not_after);
                assert_eq!(v.served_sha256(), <[u8; 32]>::from(Sha256::digest(data)));
                assert_json_round_trip(d);
                // A client that has seen this version accepts it again; one that has seen a later
                // version refuses it as a rollback.
                assert!(directory::verify(data, &policy(1, d.version)).is_ok());
                if let Some(later) = d.version.checked_add(1) {
                    let e = directory::verify(data, &policy(1, later)).expect_err("rollback");
                    assert_eq!(e.code(), "rolled-back");
                }
            }
            Err(e) => {
                assert_code(e.code());
                assert_message(e);
            }
        }
    }
    if two.is_ok() {
        assert!(one.is_ok(), "2-of-n accepted what 1-of-n refused: {one:?}");
    }
    if let (Ok(a), Ok(b)) = (&one, &two) {
        assert_eq!(a.directory(), b.directory());
    }

    // Anything that parses as a directory document, alone or inside the served form.
    let mut documents = Vec::new();
    if let Ok(d) = serde_json::from_slice::<Directory>(data) {
        documents.push(d);
    }
    if let Ok(serde_json::Value::Object(served)) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Some(inner) = served.get("directory") {
            if let Ok(d) = serde_json::from_value::<Directory>(inner.clone()) {
                documents.push(d);
            }
        }
    }
    for d in &documents {
        assert_json_round_trip(d);
        if let Err(e) = directory::validate(d) {
            assert_eq!(e.code(), "invalid");
            assert_message(&e);
        }
    }

    // Sign then verify.
    let (a, b) = (fuzz_root(1), fuzz_root(2));
    match directory::sign(data, &a) {
        Ok(served) => {
            let own = |threshold| TrustPolicy {
                roots: vec![a.public(), b.public()],
                threshold,
                min_version: 0,
                today: Day::from_days_since_epoch(0),
            };
            let verified = directory::verify(&served, &own(1))
                .unwrap_or_else(|e| panic!("a directory sign() accepted does not verify: {e}"));
            assert_eq!(directory::validate(verified.directory()), Ok(()));
            assert_eq!(directory::verify(&served, &own(2)).map_err(|e| e.code()).err(), Some("below-threshold"));
            let cosigned = directory::sign(&served, &b).expect("a served directory can be co-signed");
            let both = directory::verify(&cosigned, &own(2))
                .unwrap_or_else(|e| panic!("a co-signed directory does not verify 2-of-2: {e}"));
            assert_eq!(both.directory(), verified.directory());
        }
        Err(e) => {
            assert_code(e.code());
            assert_message(&e);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Mailbox tokens
// ---------------------------------------------------------------------------------------------

/// The bytes as a typed mailbox token: parsing never panics; a token that parses is the input's
/// words normalised, and round-trips through `to_words()` (also upper-cased); errors name the
/// word count or a 1-based position. The first 16 bytes as a token's secret always give 12
/// words that parse back to the same token, and every derivation works.
pub fn token_words(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let count = text.split_whitespace().count();
        match text.parse::<MailboxToken>() {
            Ok(token) => {
                let words = token.to_words();
                let normalised: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
                assert_eq!(normalised.join(" "), *words, "the words shown are the words typed");
                assert_same_token(&token, &words.parse::<MailboxToken>().expect("to_words() parses"));
                assert_same_token(&token, &words.to_uppercase().parse::<MailboxToken>().expect("upper case parses"));
            }
            Err(e) => {
                assert_message(&e);
                match e {
                    TokenParseError::WordCount(n) => assert!(n == count && n != 12, "{e:?} for {count} words"),
                    TokenParseError::UnknownWord(i) => assert!(count == 12 && (1..=12).contains(&i), "{e:?}"),
                    TokenParseError::Checksum => assert_eq!(count, 12),
                    other => panic!("a token error this harness does not know: {other:?}"),
                }
            }
        }
    }
    if let Some(secret) = data.get(..16) {
        let token = MailboxToken::from_bytes(secret.try_into().expect("16 bytes"));
        let words = token.to_words();
        assert_eq!(words.split(' ').count(), 12);
        let back: MailboxToken = words.parse().expect("any 16 bytes give words that parse");
        assert_same_token(&token, &back);
        let _ = (token.reply_identity(), token.signing_key(), token.thread_id());
    }
}

fn assert_same_token(a: &MailboxToken, b: &MailboxToken) {
    assert_eq!(*a.to_words(), *b.to_words());
    assert_eq!(a.mailbox_id().address(), b.mailbox_id().address());
    assert_eq!(a.public_signing_key(), b.public_signing_key());
}

// ---------------------------------------------------------------------------------------------
// 5. Signed reviewer requests
// ---------------------------------------------------------------------------------------------

/// The bytes as a signed reviewer request, one field per line: the method, the path and query,
/// then the values of the signature headers *in the order `from_headers` asks for them* (so
/// the harness names no header and survives changes to the canonical request). A line that is
/// not UTF-8 is an absent header. Parsing never panics; errors have stable codes and a missing
/// header was absent; parsed headers re-serialise (`to_header_values`) to the same value;
/// `check_fresh` behaves at the edges of the window; `verify` only ever says `BadSignature`.
pub fn signed_request(data: &[u8]) {
    let lines: Vec<Option<&str>> = data.split(|&b| b == b'\n').map(|l| std::str::from_utf8(l).ok()).collect();
    let method = lines.first().copied().flatten().unwrap_or("GET");
    let path = lines.get(1).copied().flatten().unwrap_or("/");
    let values = lines.get(2..).unwrap_or(&[]);
    let asked: RefCell<Vec<&'static str>> = RefCell::new(Vec::new());
    let lookup = |name: &'static str| {
        let mut asked = asked.borrow_mut();
        let index = asked.iter().position(|n| *n == name).unwrap_or_else(|| {
            asked.push(name);
            asked.len() - 1
        });
        values.get(index).copied().flatten()
    };
    let parsed = SignedHeaders::from_headers(lookup);
    let names: Vec<&'static str> = asked.borrow().clone();
    let given: Vec<(&'static str, Option<&str>)> = names.into_iter().map(|n| (n, lookup(n))).collect();
    let given_value = |name: &str| given.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v);
    match parsed {
        Ok(h) => {
            let pairs = h.to_header_values();
            let again = SignedHeaders::from_headers(|name| {
                pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()).or_else(|| given_value(name))
            });
            assert_eq!(again.as_ref(), Ok(&h), "to_header_values() does not parse back to the same headers");
            assert_eq!(h.check_fresh(h.timestamp, 0), Ok(()));
            if let Some(later) = h.timestamp.checked_add(1) {
                assert_eq!(h.check_fresh(later, 0), Err(AuthError::Stale));
                assert_eq!(h.check_fresh(later, 1), Ok(()));
            }
            match h.verify("https://candour.example.police.uk", method, path) {
                Ok(()) | Err(AuthError::BadSignature) => {}
                Err(e) => panic!("verify gave {e:?}"),
            }
        }
        Err(e) => {
            assert_code(e.code());
            assert_message(&e);
            if let AuthError::Missing(name) = e {
                assert_eq!(given_value(name), None, "{name} was given but reported missing");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Proof of work
// ---------------------------------------------------------------------------------------------

/// The bytes as a `candour-pow` header value (`Solution`), a challenge token, and the JSON
/// `Challenge` and `ChallengeRequest`: parsing never panics; the text forms are canonical (what
/// parses prints back identically); `verify` agrees with `work`; a consistent challenge of low
/// difficulty is solved and the solution verifies; errors have stable codes.
pub fn pow_solution(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        match text.parse::<Solution>() {
            Ok(solution) => {
                assert_eq!(solution.to_string(), text, "a solution's text form is canonical");
                let enough =
                    pow::work(&solution.challenge, solution.counter) >= u32::from(solution.challenge.difficulty());
                assert_eq!(pow::verify(&solution).is_ok(), enough);
                if let Err(e) = pow::verify(&solution) {
                    assert_eq!(e, PowError::Insufficient);
                }
            }
            Err(e) => pow_error(&e),
        }
        match text.parse::<ChallengeToken>() {
            Ok(token) => {
                assert_eq!(token.to_string(), text, "a token's text form is canonical");
                let _ = (token.random(), token.max_bytes(), token.issued_unix(), token.mac(), format!("{token:?}"));
                assert_eq!(token.signed_part().len() + token.mac().len(), pow::TOKEN_LEN);
                assert_json_round_trip(&Challenge::for_token(token));
            }
            Err(e) => pow_error(&e),
        }
    }
    if let Some(challenge) = json_round_trip_if_parses::<Challenge>(data) {
        let token = challenge.challenge;
        let consistent = challenge.difficulty == token.difficulty() && challenge.max_bytes == token.max_bytes();
        if !consistent {
            assert_eq!(pow::solve(&challenge), Err(PowError::Inconsistent));
        } else if token.difficulty() > pow::MAX_DIFFICULTY {
            assert_eq!(pow::solve(&challenge), Err(PowError::TooHard(token.difficulty())));
        } else if token.difficulty() <= 10 {
            let solution = pow::solve(&challenge).expect("a consistent easy challenge is solved");
            assert_eq!(pow::verify(&solution), Ok(()));
            assert_eq!(solution.to_string().parse::<Solution>(), Ok(solution));
        }
    }
    if let Some(request) = json_round_trip_if_parses::<ChallengeRequest>(data) {
        let _ = pow::difficulty_for(pow::DEFAULT_DIFFICULTY, pow::DEFAULT_BYTES_PER_UNIT, request.max_bytes);
    }
}

fn pow_error(e: &PowError) {
    assert_code(e.code());
    assert_message(e);
}

// ---------------------------------------------------------------------------------------------
// 7. Case events and documents
// ---------------------------------------------------------------------------------------------

/// The bytes as a case event's JSON (`candour_review::event::CaseEvent`) and as an envelope's
/// document (`Document::from_json`): never a panic; what parses round-trips to the same value
/// and canonical bytes; documents that fail give a readable error.
pub fn case_event(data: &[u8]) {
    if json_round_trip_if_parses::<candour_review::event::CaseEvent>(data).is_some() {
        let _ = candour_review::event::EventHash::of(data).short();
    }
    match Document::from_json(data) {
        Ok(doc) => {
            let json = doc.to_json();
            assert!(!json.is_empty(), "a parsed document serialises");
            assert_eq!(Document::from_json(&json).as_ref(), Ok(&doc), "document round trip");
            assert_eq!(Document::from_json(&json).map(|d| d.to_json()), Ok(json), "document JSON is canonical");
            let _ = doc.thread_id();
        }
        Err(e) => assert_message(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// 8. The relay's bodies and configuration
// ---------------------------------------------------------------------------------------------

/// The bytes as the relay's JSON request bodies (`MailboxRequest`, `ChallengeRequest`) and the
/// responses its clients parse (`Policy`, `EntryPage`, `Appended`), and as the relay's TOML
/// configuration: what parses round-trips; a mailbox id is hashed as the relay does; a
/// configuration that parses prints (`to_toml`) to TOML that parses back to the same value.
pub fn api_json(data: &[u8]) {
    if let Some(request) = json_round_trip_if_parses::<candour_core::api::MailboxRequest>(data) {
        if let Ok(id) = request.mailbox_id.parse::<MailboxAddress>() {
            assert_eq!(id.to_string(), request.mailbox_id, "mailbox ids are canonical lowercase hex");
            let _ = candour_core::token::MailboxId::from_bytes(id.0).address();
        }
    }
    let _ = json_round_trip_if_parses::<ChallengeRequest>(data);
    let _ = json_round_trip_if_parses::<candour_core::api::Policy>(data);
    let _ = json_round_trip_if_parses::<candour_core::api::EntryPage>(data);
    let _ = json_round_trip_if_parses::<candour_core::api::Appended>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        match candour_relay::Config::from_toml_str(text) {
            Ok(config) => {
                let printed = config.to_toml();
                let back = candour_relay::Config::from_toml_str(&printed)
                    .unwrap_or_else(|e| panic!("to_toml() does not parse back: {e}\n{printed}"));
                assert_eq!(back, config, "TOML round trip changed the configuration");
                let _ = config.retention();
            }
            Err(e) => assert_message(&e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Metadata strippers
// ---------------------------------------------------------------------------------------------

/// The bytes stripped as a JPEG (see `strip_image`).
pub fn strip_jpeg(data: &[u8]) {
    strip_image(Kind::Jpeg, data);
}

/// The bytes stripped as a PNG (see `strip_image`).
pub fn strip_png(data: &[u8]) {
    strip_image(Kind::Png, data);
}

/// Strips the bytes as `kind`: never a panic, an error of that kind, and for an image that
/// strips, the output is of that kind and stripping it again changes nothing and removes
/// nothing (idempotence). Also checks `detect` and `sniff` on the same bytes.
fn strip_image(kind: Kind, data: &[u8]) {
    check_detect(data);
    let mut once = Vec::new();
    match strip::strip(kind, data, &mut once) {
        Ok(report) => {
            let _ = report.to_string();
            assert_eq!(strip::detect(&once), kind, "the stripped output is still a {kind}");
            let mut twice = Vec::new();
            let second = strip::strip(kind, &once[..], &mut twice)
                .unwrap_or_else(|e| panic!("the stripped {kind} does not strip again: {e}"));
            assert!(second.is_clean(), "a second pass removed {second}");
            assert!(twice == once, "stripping the stripped {kind} changed its bytes");
        }
        Err(e) => check_strip_error(kind, &e),
    }
}

/// Strips the bytes as a PDF: never a panic (lopdf's own panics are caught by the stripper and
/// must come back as `Malformed`), a PDF error, and a stripped PDF is a PDF the stripper reads
/// again.
pub fn strip_pdf(data: &[u8]) {
    check_detect(data);
    let mut once = Vec::new();
    match strip::strip(Kind::Pdf, data, &mut once) {
        Ok(report) => {
            let _ = report.to_string();
            assert!(once.starts_with(b"%PDF-"), "the stripped output is still a PDF");
            let mut twice = Vec::new();
            if let Err(e) = strip::strip(Kind::Pdf, &once[..], &mut twice) {
                panic!("the stripped PDF does not strip again: {e}");
            }
        }
        Err(e) => check_strip_error(Kind::Pdf, &e),
    }
}

fn check_strip_error(kind: Kind, e: &StripError) {
    assert_message(e);
    match e {
        StripError::Truncated(k) | StripError::Malformed { kind: k, .. } => assert_eq!(*k, kind),
        StripError::TooLarge { .. } => panic!("{kind} of a few KiB refused as too large"),
        StripError::EncryptedPdf => assert_eq!(kind, Kind::Pdf),
        // lopdf's writer reports some documents it cannot write as I/O errors; for images the
        // reader is a slice and the writer a Vec, so there is no I/O to fail.
        StripError::Io(_) => assert_eq!(kind, Kind::Pdf, "{kind}: {e}"),
        StripError::Unsupported => panic!("{kind} refused as unsupported"),
        other => panic!("unexpected strip error {other:?}"),
    }
}

fn check_detect(data: &[u8]) {
    let kind = strip::detect(data);
    // A supported kind is only ever told from its magic bytes.
    match kind {
        Kind::Jpeg => assert!(data.starts_with(&[0xFF, 0xD8, 0xFF])),
        Kind::Png => assert!(data.starts_with(b"\x89PNG\r\n\x1a\n")),
        Kind::Pdf => assert!(data.starts_with(b"%PDF-")),
        Kind::Other => {
            let mut sink = Vec::new();
            assert!(matches!(strip::strip(Kind::Other, data, &mut sink), Err(StripError::Unsupported)));
            assert!(sink.is_empty());
        }
    }
    for n in 0..data.len().min(strip::DETECT_LEN) {
        let short = strip::detect(&data[..n]);
        assert!(short == Kind::Other || short == kind, "a prefix was detected as {short}, the whole as {kind}");
    }
    let (sniffed, mut reader) = strip::sniff(data).expect("sniffing a slice");
    assert_eq!(sniffed, kind);
    let mut replay = Vec::new();
    reader.read_to_end(&mut replay).expect("reading a slice");
    assert!(replay == data, "sniff() replays the whole input");
}
