//! Writes the seed corpora under `crates/candour-fuzz/seeds/<target>/`:
//! `cargo run -p candour-fuzz --example make_seeds`.
//!
//! Every seed is made with the project's own code (sealed envelopes, signed directories, solved
//! proofs of work, encoder-made images with metadata spliced in, lopdf-made PDFs) or copied from
//! the repository's fixtures, plus a few hand-made invalid inputs per target. Envelopes and
//! signatures are randomised, so a rerun changes those files; that is harmless. Files named
//! `crash-*` and `finding-*` (findings kept as regression seeds) are never touched.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use candour_core::envelope::{self, AttachmentMeta, AttachmentSource};
use candour_core::keys::ReviewerSecret;
use candour_core::message::seal_document;
use candour_core::pow::{self, Challenge, ChallengeToken};
use candour_core::report::{Category, Concern, Document, Receipt, Reply, Report, Subject, SCHEMA_V1};
use candour_core::token::MailboxToken;
use candour_core::Day;
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use lopdf::{dictionary, Object, Stream};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn repo(path: &str) -> PathBuf {
    Path::new(ROOT).join("../..").join(path)
}

struct Seeds {
    dir: PathBuf,
}

impl Seeds {
    /// Empties the target's folder (except findings) and returns a writer for it.
    fn new(target: &str) -> Seeds {
        let dir = Path::new(ROOT).join("seeds").join(target);
        fs::create_dir_all(&dir).expect("create seed folder");
        for entry in fs::read_dir(&dir).expect("read seed folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            if !name.starts_with("crash-") && !name.starts_with("finding-") {
                fs::remove_file(&path).expect("remove old seed");
            }
        }
        Seeds { dir }
    }

    fn put(&self, name: &str, bytes: impl AsRef<[u8]>) {
        fs::write(self.dir.join(name), bytes).expect("write seed");
    }
}

fn main() {
    let identity: age::x25519::Identity =
        fs::read_to_string(repo("crates/candour-core/tests/fixtures/golden-v1/identity.txt"))
            .expect("golden identity")
            .trim()
            .parse()
            .expect("parses");
    let envelopes = envelopes(&identity);
    envelope_open(&envelopes);
    envelope_frame(&identity, &envelopes);
    envelope_shape(&envelopes);
    directory();
    token_words();
    signed_request();
    pow_solution();
    case_event();
    api_json();
    strip_jpeg();
    strip_png();
    strip_pdf();
    println!("seeds written under {ROOT}/seeds");
}

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------

fn report(token: &MailboxToken, what: &str) -> Report {
    Report {
        reader_changes: vec![],
        schema: SCHEMA_V1,
        thread_id: token.thread_id(),
        concern: Concern {
            category: Some(Category::HonestyAndIntegrity),
            subjects: vec![Subject {
                name: Some("PC Seed".into()),
                collar_number: Some("1234".into()),
                ..Default::default()
            }],
            what: what.into(),
            when: Some("last Tuesday".into()),
            ..Default::default()
        },
        sealed_to: vec!["psd-1".into()],
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: "2026-11-27".parse::<Day>().expect("day"),
        route: None,
        last_seen: None,
    }
}

/// (name, sealed bytes) of envelopes for the golden identity, and one for somebody else.
fn envelopes(identity: &age::x25519::Identity) -> Vec<(&'static str, Vec<u8>)> {
    let me = identity.to_public();
    let token = MailboxToken::from_bytes([0x11; 16]);
    let reviewer = ReviewerSecret::generate("psd-1");
    let seal = |stanzas, doc: &Document, signer: &ed25519_dalek::SigningKey, attachments: Vec<AttachmentSource<'_>>| {
        seal_document(std::slice::from_ref(&me), stanzas, doc, attachments, signer, Vec::new()).expect("seal")
    };
    let mut out = Vec::new();
    out.push((
        "golden-v1.age",
        fs::read(repo("crates/candour-core/tests/fixtures/golden-v1/envelope.age")).expect("golden"),
    ));
    out.push((
        "report-1-stanza.age",
        seal(1, &Document::Report(report(&token, "Cash taken")), &token.signing_key(), vec![]),
    ));
    let mut photo = Cursor::new(b"not really a photo".to_vec());
    let attachment = AttachmentSource {
        meta: AttachmentMeta { name: "photo.jpg".into(), media_type: "image/jpeg".into() },
        len: 18,
        reader: &mut photo,
    };
    out.push((
        "followup-12-stanzas-attachment.age",
        seal(
            12,
            &Document::FollowUp(Report {
                concern: Concern { category: None, what: "More detail".into(), ..Default::default() },
                ..report(&token, "x")
            }),
            &token.signing_key(),
            vec![attachment],
        ),
    ));
    let reply = Document::Reply(Reply {
        reader_changes: vec![],
        schema: SCHEMA_V1,
        thread_id: token.thread_id(),
        reviewer: "psd-1".into(),
        text: "Thank you, we are looking into it.".into(),
        day_sent: "2026-11-28".parse().expect("day"),
        thread_recipients: vec!["psd-1".into(), "acu-1".into()],
        route: None,
        directory_version: None,
        seen: None,
    });
    out.push(("reply-2-stanzas.age", seal(2, &reply, reviewer.signing_key(), vec![])));
    let receipt = Document::Receipt(Receipt {
        reader_changes: vec![],
        schema: SCHEMA_V1,
        thread_id: token.thread_id(),
        reviewer: "psd-1".into(),
        day_sent: "2026-11-28".parse().expect("day"),
        thread_recipients: vec!["psd-1".into()],
        route: None,
        directory_version: None,
    });
    out.push(("receipt.age", seal(3, &receipt, reviewer.signing_key(), vec![])));
    out.push((
        "wrong-signer.age",
        seal(1, &Document::Report(report(&token, "Signed by someone else")), reviewer.signing_key(), vec![]),
    ));
    let not_json = envelope::seal(
        envelope::EnvelopeKind::Report,
        std::slice::from_ref(&me),
        1,
        b"this is not JSON",
        vec![],
        reviewer.signing_key(),
        Vec::new(),
    )
    .expect("seal");
    out.push(("not-json-document.age", not_json));
    let other = ReviewerSecret::generate("sb-1");
    let theirs =
        seal_document(&[other.recipient()], 4, &reply, vec![], reviewer.signing_key(), Vec::new()).expect("seal");
    out.push(("for-someone-else.age", theirs));
    out
}

fn envelope_open(envelopes: &[(&str, Vec<u8>)]) {
    let s = Seeds::new("envelope_open");
    for (name, bytes) in envelopes {
        s.put(name, bytes);
    }
    let golden = &envelopes[0].1;
    let header_end = golden.windows(4).position(|w| w == b"\n---").expect("mac line") + 1;
    s.put("header-only.age", &golden[..header_end + 48]);
    s.put("truncated.age", &golden[..golden.len() - 100]);
    s.put("not-age.txt", "hello, this is not an envelope\n");
    s.put("empty", "");
    let mut pass = age::scrypt::Recipient::new(age::secrecy::SecretString::from("seed".to_owned()));
    pass.set_work_factor(2);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&pass as _)).expect("scrypt");
    let mut scrypt = Vec::new();
    let mut w = encryptor.wrap_output(&mut scrypt).expect("wrap");
    w.write_all(b"a passphrase file").expect("write");
    w.finish().expect("finish");
    s.put("scrypt.age", scrypt);
}

fn decrypt(identity: &age::x25519::Identity, sealed: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new(sealed).expect("age file");
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).expect("decrypts");
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).expect("reads");
    plain
}

fn frame(version: u16, doc: &[u8], sections: &[u8]) -> Vec<u8> {
    let mut f = envelope::MAGIC.to_vec();
    f.extend_from_slice(&version.to_be_bytes());
    f.extend_from_slice(&(doc.len() as u32).to_be_bytes());
    f.extend_from_slice(doc);
    f.extend_from_slice(sections);
    f
}

fn envelope_frame(identity: &age::x25519::Identity, envelopes: &[(&str, Vec<u8>)]) {
    let s = Seeds::new("envelope_frame");
    for (name, sealed) in &envelopes[..5] {
        let plain = decrypt(identity, sealed);
        s.put(&format!("{}.plain", name.trim_end_matches(".age")), &plain);
    }
    let golden = decrypt(identity, &envelopes[0].1);
    s.put("golden-v1-cut.plain", &golden[..golden.len().min(1200)]);
    let mut attachment = vec![1u8];
    let meta = br#"{"name":"a.txt","media_type":"text/plain"}"#;
    attachment.extend_from_slice(&(meta.len() as u16).to_be_bytes());
    attachment.extend_from_slice(meta);
    attachment.extend_from_slice(&3u64.to_be_bytes());
    attachment.extend_from_slice(b"abc");
    let mut unsigned = attachment.clone();
    unsigned.push(0);
    unsigned.extend_from_slice(&[0u8; 96]);
    s.put("unsigned-attachment.plain", frame(1, b"{}", &unsigned));
    s.put("version-2-no-kind.plain", frame(2, b"{}", &[0]));
    s.put("version-3.plain", frame(3, b"{}", &[0]));
    let mut v2 = envelope::MAGIC.to_vec();
    v2.extend_from_slice(&2u16.to_be_bytes());
    v2.push(envelope::EnvelopeKind::CaseEvent.byte());
    v2.extend_from_slice(&2u32.to_be_bytes());
    v2.extend_from_slice(b"{}\0");
    v2.extend_from_slice(&[0u8; 96]);
    s.put("version-2-unsigned.plain", v2);
    s.put("bad-tag.plain", frame(1, b"{}", &[7]));
    s.put("bad-meta.plain", frame(1, b"{}", &[1, 0, 2, b'{', b'{']));
    s.put(
        "huge-attachment.plain",
        frame(1, b"{}", &[&attachment[..attachment.len() - 11], &u64::MAX.to_be_bytes()].concat()),
    );
    let mut huge_doc = envelope::MAGIC.to_vec();
    huge_doc.extend_from_slice(&[0, 1, 0xFF, 0xFF, 0xFF, 0xFF]);
    s.put("huge-document.plain", huge_doc);
    s.put("bad-magic.plain", "CANDOR\0\0\0\x01\0\0\0\0\0");
    s.put("empty", "");
}

fn envelope_shape(envelopes: &[(&str, Vec<u8>)]) {
    let s = Seeds::new("envelope_shape");
    for (name, bytes) in &envelopes[..3] {
        s.put(name, bytes);
    }
    let twelve = &envelopes[2].1;
    let header_end = twelve.windows(4).position(|w| w == b"\n---").expect("mac line") + 49;
    s.put("header-12.bin", &twelve[..header_end]);
    s.put("header-12-incomplete.bin", &twelve[..header_end - 30]);
    let share = "A".repeat(43);
    let x = format!("-> X25519 {share}\n{share}\n");
    let mac = format!("--- {share}\n");
    s.put("two-stanzas-grease.bin", format!("age-encryption.org/v1\n{x}{x}-> a-grease b c\nAAAA\n{mac}"));
    s.put("version-2.bin", format!("age-encryption.org/v2\n{x}{mac}"));
    s.put("two-grease.bin", format!("age-encryption.org/v1\n{x}-> a-grease\n\n-> b-grease\n\n{mac}"));
    s.put("scrypt.bin", format!("age-encryption.org/v1\n-> scrypt AAAA 18\n{share}\n{mac}"));
    s.put("long-body.bin", format!("age-encryption.org/v1\n-> X25519 {share}\n{share}A\n{mac}"));
    s.put("padded-mac.bin", format!("age-encryption.org/v1\n{x}--- {share}=\n"));
    s.put("junk.bin", [b'a'; 10]);
}

// ---------------------------------------------------------------------------------------------
// Directory, tokens, requests, proof of work
// ---------------------------------------------------------------------------------------------

fn directory() {
    let s = Seeds::new("directory");
    s.put("example-directory.json", fs::read(repo("keys-example/directory.json")).expect("served"));
    s.put("example-directory.unsigned.json", fs::read(repo("keys-example/directory.unsigned.json")).expect("unsigned"));
    let vectors = repo("crates/candour-core/tests/vectors/directory");
    let mut names: Vec<PathBuf> = fs::read_dir(&vectors).expect("vectors").map(|e| e.expect("entry").path()).collect();
    names.sort();
    for path in names {
        let text = fs::read(&path).expect("vector");
        let split = text.windows(2).position(|w| w == b"\n\n").expect("blank line");
        let name = path.file_stem().and_then(|n| n.to_str()).expect("name");
        s.put(&format!("vector-{name}.json"), &text[split + 2..]);
    }
    s.put("empty-signatures.json", r#"{"directory": {}, "signatures": []}"#);
}

fn token_words() {
    let s = Seeds::new("token_words");
    let words = |bytes: [u8; 16]| MailboxToken::from_bytes(bytes).to_words().to_string();
    s.put("zero.txt", words([0; 16]));
    s.put("ones.txt", words([0xFF; 16]));
    s.put("pattern.txt", words(*b"candour-fuzzseed"));
    let w = words([0x5a; 16]);
    s.put("messy-case-and-spacing.txt", format!("  {}  \n", w.to_uppercase().replace(' ', "   \t ")));
    let mut list: Vec<&str> = w.split(' ').collect();
    list.swap(0, 5);
    s.put("swapped-checksum.txt", list.join(" "));
    list[3] = "notaword";
    s.put("unknown-word.txt", list.join(" "));
    s.put("eleven-words.txt", list[..11].join(" "));
    s.put("thirteen-words.txt", format!("{} abandon", w));
    s.put("raw-secret.bin", [0x42u8; 16]);
    s.put("empty", "");
}

fn signed_request() {
    let s = Seeds::new("signed_request");
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    // The header values in the order from_headers asks for them (the harness's input form).
    let lines = |method: &str, path: &str, body: &[u8]| -> Vec<u8> {
        let signed = candour_core::auth::sign_request(
            &key,
            "https://candour.example.police.uk",
            method,
            path,
            body,
            1_800_000_000,
        );
        let pairs = signed.to_header_values();
        let length = body.len().to_string();
        let asked = std::cell::RefCell::new(Vec::new());
        let parsed = candour_core::auth::SignedHeaders::from_headers(|name| {
            let value = pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
            // Whatever it asks for that is not a signature header is the Content-Length.
            let value = value.or(if body.is_empty() { None } else { Some(length.as_str()) });
            let mut asked = asked.borrow_mut();
            if !asked.iter().any(|(n, _)| *n == name) {
                asked.push((name, value.map(str::to_owned)));
            }
            value
        });
        assert_eq!(parsed.as_ref(), Ok(&signed), "the seed's headers parse");
        let mut out = format!("{method}\n{path}").into_bytes();
        for (_, value) in asked.into_inner() {
            out.push(b'\n');
            match value {
                Some(v) => out.extend_from_slice(v.as_bytes()),
                None => out.push(0xFF), // not UTF-8: absent
            }
        }
        out
    };
    let post = lines("POST", "/v1/cases/ab", b"body");
    s.put("post-signed.txt", &post);
    s.put("get-signed.txt", lines("GET", "/v1/inbox?after=12", b""));
    let text = String::from_utf8_lossy(&post).into_owned();
    let mut fields: Vec<String> = text.split('\n').map(str::to_owned).collect();
    fields[3] = format!("+{}", fields[3]);
    s.put("signed-timestamp.txt", fields.join("\n"));
    let mut fields: Vec<String> = text.split('\n').map(str::to_owned).collect();
    fields[4] = fields[4].to_uppercase();
    s.put("uppercase-nonce.txt", fields.join("\n"));
    s.put("wrong-path.txt", text.replacen("/v1/cases/ab", "/v1/cases/ac", 1));
    s.put("missing-headers.txt", "GET\n/v1/inbox\n");
    s.put("empty", "");
}

fn pow_solution() {
    let s = Seeds::new("pow_solution");
    let token =
        |difficulty| ChallengeToken::new([7; 16], 16 * 1024 * 1024, difficulty, 1_800_000_000, [9; pow::MAC_LEN]);
    let challenge = Challenge::for_token(token(8));
    let solution = pow::solve(&challenge).expect("solvable");
    s.put("solution.txt", solution.to_string());
    s.put("solution-zero-difficulty.txt", pow::Solution { challenge: token(0), counter: 0 }.to_string());
    s.put("unsolved.txt", pow::Solution { challenge: token(30), counter: 1 }.to_string());
    s.put("token.txt", token(21).to_string());
    s.put("challenge.json", serde_json::to_vec(&challenge).expect("json"));
    s.put(
        "challenge-inconsistent.json",
        serde_json::to_vec(&Challenge { difficulty: 3, ..challenge.clone() }).expect("json"),
    );
    s.put("challenge-request.json", r#"{"max_bytes": 16384}"#);
    let mut other_version = token(21).0;
    other_version[0] = 1;
    s.put("token-version-1.txt", candour_core::wire::to_hex(&other_version));
    s.put("solution-uppercase.txt", solution.to_string().to_uppercase());
}

// ---------------------------------------------------------------------------------------------
// JSON documents and the relay's bodies
// ---------------------------------------------------------------------------------------------

fn checked<T: serde::de::DeserializeOwned>(s: &Seeds, name: &str, json: &str) {
    if let Err(e) = serde_json::from_str::<T>(json) {
        panic!("seed {name} does not parse: {e}");
    }
    s.put(name, json);
}

fn case_event() {
    use candour_review::event::CaseEvent;
    let s = Seeds::new("case_event");
    let head = r#""format": "candour-case-event/1", "thread_id": "a0fbbf52e712c592950738d6b4be4f7f", "author": "psd-1", "day": "2026-11-28""#;
    let parent = r#""parents": ["4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"]"#;
    let events = [
        (
            "triage.json",
            format!(
                r#"{{{head}, "parents": [], "action": {{"kind": "triage", "change": {{"category": "use-of-force", "corruption": "{}", "grading": {{"source": "2", "information": "b", "handling": "p"}}, "status": "assessed", "priority": "{}", "assignee": {{"reviewer": "psd-2"}}, "add_subjects": ["PC Example"], "remove_subjects": ["1234"], "iopc": [["{}", true]], "detriment_risk": {{"level": "{}", "measures": "moved shift"}}, "summary": "sanitised"}}}}}}"#,
                candour_review::triage::CorruptionCategory::ALL[0].name(),
                candour_review::triage::Priority::ALL[0].name(),
                candour_review::triage::IopcCriterion::ALL[0].name(),
                candour_review::triage::RiskLevel::ALL[0].name(),
            ),
        ),
        (
            "note.json",
            format!(r#"{{{head}, {parent}, "action": {{"kind": "note", "text": "Called the reporter back"}}}}"#),
        ),
        (
            "reply.json",
            format!(
                r#"{{{head}, {parent}, "action": {{"kind": "reply", "reply_kind": "acknowledgement", "text": "Received"}}}}"#
            ),
        ),
        (
            "escalation.json",
            format!(
                r#"{{{head}, {parent}, "action": {{"kind": "escalation", "to": ["psd-sup"], "reason": "overdue"}}}}"#
            ),
        ),
        ("close.json", format!(r#"{{{head}, {parent}, "action": {{"kind": "close", "outcome": "misconduct"}}}}"#)),
        (
            "receipt.json",
            format!(r#"{{{head}, "parents": [], "action": {{"kind": "receipt", "recipients": ["psd-1"]}}}}"#),
        ),
        (
            "status-closed.json",
            format!(
                r#"{{{head}, {parent}, "action": {{"kind": "triage", "change": {{"status": "closed:criminal"}}}}}}"#
            ),
        ),
    ];
    for (name, json) in &events {
        checked::<CaseEvent>(&s, name, json);
    }
    let golden = fs::read_to_string(repo("crates/candour-core/tests/fixtures/golden-v1/document.json")).expect("doc");
    checked::<Document>(&s, "document-golden-report.json", &golden);
    let token = MailboxToken::from_bytes([0x22; 16]);
    let docs = [
        (
            "document-followup.json",
            Document::FollowUp(Report {
                concern: Concern { what: "more".into(), ..Default::default() },
                ..report(&token, "x")
            }),
        ),
        (
            "document-reply.json",
            Document::Reply(Reply {
                reader_changes: vec![],
                schema: 1,
                thread_id: token.thread_id(),
                reviewer: "psd-1".into(),
                text: "Thank you".into(),
                day_sent: Day::from_days_since_epoch(20_001),
                thread_recipients: vec!["psd-1".into()],
                route: None,
                directory_version: None,
                seen: None,
            }),
        ),
        (
            "document-receipt.json",
            Document::Receipt(Receipt {
                reader_changes: vec![],
                schema: 1,
                thread_id: token.thread_id(),
                reviewer: "psd-2".into(),
                day_sent: Day::from_days_since_epoch(20_001),
                thread_recipients: vec!["psd-1".into(), "psd-2".into()],
                route: None,
                directory_version: None,
            }),
        ),
    ];
    for (name, doc) in docs {
        s.put(name, doc.to_json());
    }
    s.put("document-schema-2.json", golden.replacen("\"schema\": 1", "\"schema\": 2", 1));
    s.put("not-json.txt", "{\"type\": \"report\",");
    // Format 2 documents and events, from their golden fixtures.
    for name in ["report", "follow-up", "reply", "receipt", "follow-up-seen"] {
        let path = format!("crates/candour-core/tests/fixtures/golden-v2/{name}.json");
        checked::<Document>(&s, &format!("document-v2-{name}.json"), &fs::read_to_string(repo(&path)).expect("doc"));
    }
    let path = "crates/candour-core/tests/fixtures/golden-frame-v2/reply-seen.json";
    checked::<Document>(&s, "document-v2-reply-seen.json", &fs::read_to_string(repo(path)).expect("doc"));
    let events_v2 =
        fs::read_to_string(repo("crates/candour-review/tests/fixtures/case-events-v2.jsonl")).expect("events");
    for (i, line) in events_v2.lines().enumerate() {
        let (_, json) = line.split_once(' ').expect("hash and event");
        checked::<CaseEvent>(&s, &format!("event-v2-{i}.json"), json);
    }
}

fn api_json() {
    let s = Seeds::new("api_json");
    let id = "ab".repeat(32);
    checked::<candour_core::api::MailboxRequest>(
        &s,
        "mailbox-list.json",
        &format!(r#"{{"mailbox_id": "{id}", "after": 3}}"#),
    );
    checked::<candour_core::api::MailboxRequest>(
        &s,
        "mailbox-read.json",
        &format!(r#"{{"mailbox_id": "{id}", "seq": 0}}"#),
    );
    s.put("mailbox-uppercase.json", format!(r#"{{"mailbox_id": "{}"}}"#, id.to_uppercase()));
    checked::<pow::ChallengeRequest>(&s, "challenge-request.json", r#"{"max_bytes": 4194304}"#);
    checked::<candour_core::api::Policy>(
        &s,
        "policy.json",
        r#"{"retention_days": 90, "retention_epoch_days": 7, "stanzas": 12, "max_upload_bytes": 268435456, "pow_difficulty": 21, "pow_bytes_per_unit": 4194304}"#,
    );
    checked::<candour_core::api::EntryPage>(
        &s,
        "entry-page.json",
        r#"{"entries": [{"seq": 1, "len": 16896, "chunks": 1, "expires": "2027-03-01"}], "next": 1}"#,
    );
    checked::<candour_core::api::Appended>(&s, "appended.json", r#"{"seq": 4, "expires": "2027-03-01"}"#);
    s.put("config-default.toml", candour_relay::Config::default().to_toml());
    let custom = "listen = \"[::1]:9000\"\ndata = \"/var/lib/candour\"\ndirectory_roots = [\"candour-root-x\"]\npow_difficulty = 18\nretention_days = 30\n";
    assert!(candour_relay::Config::from_toml_str(custom).is_ok(), "custom config parses");
    s.put("config-custom.toml", custom);
    s.put("config-unknown-key.toml", "access_log = true\n");
}

// ---------------------------------------------------------------------------------------------
// Images and PDFs (as crates/candour-submit/tests/strip.rs builds its fixtures)
// ---------------------------------------------------------------------------------------------

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A big-endian TIFF with Make, Model, an optional Orientation and nothing else.
fn exif_tiff(orientation: Option<u16>) -> Vec<u8> {
    let mut entries: Vec<(u16, u16, u32, Vec<u8>)> =
        vec![(0x010F, 2, 9, b"SeedMake\0".to_vec()), (0x0110, 2, 10, b"SeedModel\0".to_vec())];
    if let Some(o) = orientation {
        entries.push((0x0112, 3, 1, [o.to_be_bytes(), [0, 0]].concat()));
    }
    let table_len = 2 + 12 * entries.len() as u32 + 4;
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    let mut extra = Vec::new();
    tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (tag, ty, count, data) in &entries {
        tiff.extend_from_slice(&tag.to_be_bytes());
        tiff.extend_from_slice(&ty.to_be_bytes());
        tiff.extend_from_slice(&count.to_be_bytes());
        if data.len() <= 4 {
            let mut inline = data.clone();
            inline.resize(4, 0);
            tiff.extend_from_slice(&inline);
        } else {
            tiff.extend_from_slice(&(8 + table_len + extra.len() as u32).to_be_bytes());
            extra.extend_from_slice(data);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
    }
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&extra);
    tiff
}

fn pattern(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 16) as u8, (y * 16) as u8, ((x ^ y) * 8) as u8]))
}

fn strip_jpeg() {
    let s = Seeds::new("strip_jpeg");
    let mut clean = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut clean, 50).encode_image(&pattern(16, 16)).expect("JPEG");
    assert_eq!(&clean[..4], &[0xFF, 0xD8, 0xFF, 0xE0], "the encoder writes JFIF first");
    let app0_end = 4 + usize::from(u16::from_be_bytes([clean[4], clean[5]]));
    s.put("clean.jpg", &clean);
    let with_metadata = |orientation: Option<u16>| {
        let mut jfif_thumb = clean[6..6 + 12].to_vec();
        jfif_thumb.extend_from_slice(&[2, 1]);
        jfif_thumb.extend_from_slice(b"THUMBS");
        let mut out = vec![0xFF, 0xD8];
        out.extend_from_slice(&segment(0xE0, &jfif_thumb));
        out.extend_from_slice(&segment(0xE1, &[b"Exif\0\0".as_slice(), &exif_tiff(orientation)].concat()));
        out.extend_from_slice(&segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>seed</x:xmpmeta>"));
        out.extend_from_slice(&segment(0xE2, &[b"ICC_PROFILE\0\x01\x01".as_slice(), &[0u8; 32]].concat()));
        out.extend_from_slice(&segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x04seed"));
        out.extend_from_slice(&segment(0xFE, b"a comment"));
        out.extend_from_slice(&segment(0xE5, b"vendor APP5"));
        out.extend_from_slice(&segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01"));
        out.extend_from_slice(&clean[app0_end..]);
        out.extend_from_slice(b"\xFF\xD8TRAILER\xFF\xD9");
        out
    };
    s.put("metadata-orientation-6.jpg", with_metadata(Some(6)));
    s.put("metadata-no-orientation.jpg", with_metadata(None));
    // A restart interval, a restart marker inside the scan and fill bytes before EOI.
    let sos = clean.windows(2).rposition(|w| w == [0xFF, 0xDA]).expect("SOS");
    let scan_start = sos + 2 + usize::from(u16::from_be_bytes([clean[sos + 2], clean[sos + 3]]));
    let mut restarts = clean[..sos].to_vec();
    restarts.extend_from_slice(&segment(0xDD, &[0, 4]));
    restarts.extend_from_slice(&clean[sos..scan_start + 2]);
    restarts.extend_from_slice(&[0xFF, 0xD0]);
    restarts.extend_from_slice(&clean[scan_start + 2..clean.len() - 2]);
    restarts.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xD9]);
    s.put("restart-and-fill.jpg", restarts);
    s.put("truncated.jpg", &clean[..clean.len() / 2]);
    s.put("soi-only.jpg", [0xFF, 0xD8, 0xFF]);
}

fn chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(ty);
    c.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(ty);
    crc.update(data);
    c.extend_from_slice(&crc.finalize().to_be_bytes());
    c
}

fn strip_png() {
    let s = Seeds::new("strip_png");
    let img = RgbaImage::from_fn(8, 8, |x, y| image::Rgba([(x * 30) as u8, (y * 30) as u8, (x ^ y) as u8, 200]));
    let mut clean = Vec::new();
    DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut clean), ImageFormat::Png).expect("PNG");
    s.put("clean.png", &clean);
    let ihdr_end = 8 + 25;
    let with_metadata = |orientation: Option<u16>| {
        let mut out = clean[..ihdr_end].to_vec();
        out.extend_from_slice(&chunk(b"gAMA", &45455u32.to_be_bytes()));
        out.extend_from_slice(&chunk(b"tEXt", b"Author\0Seed Author"));
        out.extend_from_slice(&chunk(b"zTXt", b"Comment\0\0\x78\x01\x01\x04\x00\xfb\xffseed\x04\x2c\x01\xa5"));
        out.extend_from_slice(&chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x>seed</x>"));
        out.extend_from_slice(&chunk(b"tIME", &[0x07, 0xEA, 11, 27, 12, 0, 0]));
        out.extend_from_slice(&chunk(b"eXIf", &exif_tiff(orientation)));
        out.extend_from_slice(&chunk(b"pHYs", &[0, 0, 0x16, 0x25, 0, 0, 0x16, 0x25, 1]));
        out.extend_from_slice(&chunk(b"prVt", b"private"));
        out.extend_from_slice(&clean[ihdr_end..]);
        out.extend_from_slice(b"TRAILER");
        out
    };
    s.put("metadata-orientation-3.png", with_metadata(Some(3)));
    s.put("metadata-no-orientation.png", with_metadata(None));
    let mut bad_crc = clean.clone();
    let last = bad_crc.len() - 13; // inside the last IDAT's CRC
    bad_crc[last] ^= 0xFF;
    s.put("bad-crc.png", bad_crc);
    let mut critical = clean[..ihdr_end].to_vec();
    critical.extend_from_slice(&chunk(b"ZZZZ", b"unknown critical"));
    critical.extend_from_slice(&clean[ihdr_end..]);
    s.put("unknown-critical.png", critical);
    s.put("truncated.png", &clean[..clean.len() - 20]);
}

fn pdf_fixture() -> lopdf::Document {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica"});
    let content = b"BT /F1 24 Tf 72 720 Td (Seed text) Tj ET".to_vec();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content).with_compression(false));
    let xmp = |who: &str| {
        Stream::new(
            dictionary! {"Type" => "Metadata", "Subtype" => "XML"},
            format!("<x:xmpmeta>{who}</x:xmpmeta>").into_bytes(),
        )
        .with_compression(false)
    };
    let page_xmp = doc.add_object(xmp("page"));
    let thumb = doc.add_object(
        Stream::new(
            dictionary! {"Width" => 2, "Height" => 1, "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8},
            b"THUMBS".to_vec(),
        )
        .with_compression(false),
    );
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! {"Font" => dictionary! {"F1" => font_id}},
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Metadata" => page_xmp,
        "PieceInfo" => dictionary! {"Editor" => dictionary! {"Private" => Object::string_literal("piece")}},
        "LastModified" => Object::string_literal("D:20261127120000Z"),
        "Thumb" => thumb,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1}),
    );
    let xmp_id = doc.add_object(xmp("document"));
    let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp_id});
    let info_id = doc.add_object(dictionary! {
        "Author" => Object::string_literal("Seed Author"),
        "CreationDate" => Object::string_literal("D:20261127120000Z"),
    });
    doc.add_object(dictionary! {"Author" => Object::string_literal("orphan")});
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ],
    );
    doc
}

fn strip_pdf() {
    let s = Seeds::new("strip_pdf");
    let mut pdf = Vec::new();
    pdf_fixture().save_to(&mut pdf).expect("save");
    s.put("metadata.pdf", &pdf);
    // An incremental update with a new Info, leaving the old one in the file.
    let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).into_owned();
    let prev: usize = tail
        .split("startxref")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("startxref")
        .parse()
        .expect("number");
    let doc = lopdf::Document::load_mem(&pdf).expect("parses");
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("root").0;
    let id = doc.max_id + 1;
    let mut revised = pdf.clone();
    let object_at = revised.len() + 1;
    revised.extend_from_slice(format!("\n{id} 0 obj\n<</Author (Revision 2)>>\nendobj\n").as_bytes());
    let xref_at = revised.len();
    revised.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{id} 1\n{object_at:010} 00000 n \ntrailer\n<</Size {} /Root {root} 0 R /Info {id} 0 R /Prev {prev}>>\nstartxref\n{xref_at}\n%%EOF\n",
            id + 1
        )
        .as_bytes(),
    );
    s.put("revision.pdf", revised);
    let mut encrypted = pdf_fixture();
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &encrypted,
        owner_password: "owner",
        user_password: "",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .expect("encryption state");
    encrypted.encrypt(&state).expect("encrypt");
    let mut enc = Vec::new();
    encrypted.save_to(&mut enc).expect("save");
    s.put("encrypted.pdf", enc);
    // A minimal hand-written file with a correct cross-reference table.
    let objects = [
        "<</Type /Catalog /Pages 2 0 R>>",
        "<</Type /Pages /Kids [3 0 R] /Count 1>>",
        "<</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R>>",
        "<</Length 8>>\nstream\n0 0 m S\n\nendstream",
    ];
    let mut min = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(min.len());
        min.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = min.len();
    min.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        min.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    min.extend_from_slice(
        format!("trailer\n<</Size {} /Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    s.put("minimal.pdf", &min);
    s.put("truncated.pdf", &pdf[..pdf.len() / 2]);
    s.put("no-xref.pdf", "%PDF-1.7\n1 0 obj\n<</Type /Catalog>>\nendobj\n%%EOF\n");
    s.put("header-only.pdf", "%PDF-");
}
