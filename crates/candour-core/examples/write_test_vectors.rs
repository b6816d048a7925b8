//! Writes the directory test vectors and the golden envelope fixture under `tests/`.
//!
//! Run once per intentional format change: `cargo run -p candour-core --example write_test_vectors`.
//! The golden envelopes must never be regenerated once written (format 1 in `golden-v1`, format 2
//! in `golden-v2`): they exist to prove that old envelopes still open.

use std::fs;
use std::path::Path;

use age::secrecy::ExposeSecret;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use candour_core::directory::{
    self, Directory, Queue, RecipientKey, RelayAddresses, Reviewer, Role, Routing, RoutingRule,
};
use candour_core::envelope::{AttachmentMeta, AttachmentSource};
use candour_core::keys::{ReviewerSecret, RootSecretKey};
use candour_core::message::seal_document;
use candour_core::report::{Category, Concern, Disclosure, Document, Report, Subject, SCHEMA_V1};
use candour_core::token::MailboxToken;
use candour_core::Day;
use ed25519_dalek::Signer as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    write_directory_vectors(&base.join("vectors/directory"))?;
    let golden = base.join("fixtures/golden-v1");
    if golden.join("envelope.age").exists() {
        println!("golden fixture exists; not overwriting (format version 1 is frozen)");
    } else {
        write_golden(&golden)?;
    }
    let golden = base.join("fixtures/golden-v2");
    if golden.join("report.age").exists() {
        println!("golden fixture exists; not overwriting (format version 2 is frozen)");
    } else {
        write_golden_v2(&golden)?;
    }
    let framed = base.join("fixtures/golden-frame-v2");
    if framed.join("report.age").exists() {
        println!("golden framing version 2 fixture exists; not overwriting (it is frozen)");
    } else {
        write_golden_frame_v2(&golden, &framed)?;
    }
    if framed.join("reply-seen.age").exists() {
        println!("golden reply with seen exists; not overwriting");
    } else {
        write_golden_reply_seen(&golden, &framed)?;
    }
    if golden.join("follow-up-seen.age").exists() {
        println!("golden follow-up with last_seen exists; not overwriting");
    } else {
        write_golden_v2_seen(&golden)?;
    }
    Ok(())
}

/// Framing version 2 (a kind byte and per-kind signature contexts): the format 2 documents of
/// `golden-v2` sealed again, one envelope per kind, plus a case event. Reviewer envelopes are
/// signed by a fixed test key kept beside them (`reviewer.pub`).
fn write_golden_frame_v2(documents: &Path, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use candour_core::envelope::{self, EnvelopeKind};
    fs::create_dir_all(dir)?;
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let reader: age::x25519::Identity = fs::read_to_string(documents.join("identity.txt"))?.trim().parse()?;
    let reviewer = ed25519_dalek::SigningKey::from_bytes(&[0x52; 32]);
    let to_reader = [reader.to_public()];
    let to_reporter = [token.reply_identity().to_public()];
    for (name, recipients, signer) in [
        ("report", &to_reader, &token.signing_key()),
        ("follow-up", &to_reader, &token.signing_key()),
        ("reply", &to_reporter, &reviewer),
        ("receipt", &to_reporter, &reviewer),
    ] {
        let document: Document = serde_json::from_slice(&fs::read(documents.join(format!("{name}.json")))?)?;
        let sealed = seal_document(recipients, 4, &document, vec![], signer, Vec::new())?;
        fs::write(dir.join(format!("{name}.age")), sealed)?;
    }
    let event = br#"{"format":"golden","note":"an opaque case-event document, framed as one"}"#;
    let sealed = envelope::seal(EnvelopeKind::CaseEvent, &to_reader, 4, event, vec![], &reviewer, Vec::new())?;
    fs::write(dir.join("case-event.age"), sealed)?;
    fs::write(dir.join("case-event.json"), event)?;
    let public = candour_core::keys::PublicSigningKey(reviewer.verifying_key());
    fs::write(dir.join("reviewer.pub"), format!("{public}\n"))?;
    println!("wrote golden framing version 2 fixture to {}", dir.display());
    Ok(())
}

/// Format 2, framing version 2: a reply saying it was written having read the golden report
/// and follow-up (`seen`), signed by the framing fixture's reviewer key.
fn write_golden_reply_seen(documents: &Path, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use candour_core::report::{seen_report_digest, SeenFromReporter};
    let read = |name: &str| -> Result<Document, Box<dyn std::error::Error>> {
        Ok(serde_json::from_slice(&fs::read(documents.join(format!("{name}.json")))?)?)
    };
    let (Document::FollowUp(follow_up), Document::Reply(reply)) = (read("follow-up")?, read("reply")?) else {
        return Err("golden-v2 follow-up.json and reply.json are not a follow-up and a reply".into());
    };
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let reply = Document::Reply(candour_core::report::Reply {
        text: "Golden reply, format 2, having read your report and follow-up.".into(),
        seen: Some(SeenFromReporter {
            messages: 2,
            newest_day: follow_up.day_sent,
            newest: seen_report_digest(&follow_up.thread_id, follow_up.day_sent, &follow_up.concern.what),
        }),
        ..reply
    });
    let reviewer = ed25519_dalek::SigningKey::from_bytes(&[0x52; 32]);
    let sealed = seal_document(&[token.reply_identity().to_public()], 4, &reply, vec![], &reviewer, Vec::new())?;
    fs::write(dir.join("reply-seen.age"), sealed)?;
    fs::write(dir.join("reply-seen.json"), serde_json::to_vec_pretty(&reply)?)?;
    println!("wrote golden reply with seen to {}", dir.display());
    Ok(())
}

/// Format 2: a follow-up naming the golden reply as the newest it had seen (`last_seen`), made
/// from the fixtures already there.
fn write_golden_v2_seen(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let read = |name: &str| -> Result<Document, Box<dyn std::error::Error>> {
        Ok(serde_json::from_slice(&fs::read(dir.join(format!("{name}.json")))?)?)
    };
    let (Document::Report(report), Document::Reply(reply)) = (read("report")?, read("reply")?) else {
        return Err("golden-v2 report.json and reply.json are not a report and a reply".into());
    };
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let reader: age::x25519::Identity = fs::read_to_string(dir.join("identity.txt"))?.trim().parse()?;
    let follow_up = Document::FollowUp(Report {
        concern: Concern { what: "Golden follow-up, format 2, having read the reply.".into(), ..Default::default() },
        day_sent: reply.day_sent.plus_days(1),
        last_seen: Some(candour_core::report::seen_reply_digest(
            &reply.thread_id,
            &reply.reviewer,
            reply.day_sent,
            &reply.text,
        )),
        ..report
    });
    let sealed = seal_document(&[reader.to_public()], 4, &follow_up, vec![], &token.signing_key(), Vec::new())?;
    fs::write(dir.join("follow-up-seen.age"), sealed)?;
    fs::write(dir.join("follow-up-seen.json"), serde_json::to_vec_pretty(&follow_up)?)?;
    println!("wrote golden follow-up with last_seen to {}", dir.display());
    Ok(())
}

/// Format 2: a report, a follow-up, a reply and a receipt, all carrying the route commitment,
/// with the directory they were made under.
fn write_golden_v2(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use candour_core::commitment::RouteCommitment;
    use candour_core::report::{Receipt, Reply, SCHEMA_VERSION};
    fs::create_dir_all(dir)?;
    let reader = ReviewerSecret::generate("golden-1");
    let excluded = ReviewerSecret::generate("golden-2");
    let independent = ReviewerSecret::generate("golden-3");
    let mut doc = sample_directory(7, Day::from_ymd(2027, 2, 25).ok_or("day")?);
    doc.organisation = "Golden Constabulary".into();
    doc.reviewers = vec![entry_for(&reader, "psd"), entry_for(&excluded, "psd"), entry_for(&independent, "pcc")];
    let root = RootSecretKey::from_seed(&[0x47; 32]);
    let served = directory::sign(&serde_json::to_vec_pretty(&doc)?, &root)?;
    let policy = directory::TrustPolicy {
        roots: vec![root.public()],
        threshold: 1,
        min_version: 0,
        today: Day::from_ymd(2026, 12, 1).ok_or("day")?,
    };
    let verified = directory::verify(&served, &policy)?;
    let token = MailboxToken::from_bytes(*b"golden-token-v2!");
    let route = RouteCommitment::sign(
        &verified,
        token.thread_id(),
        &["golden-1".into()],
        &["golden-2".into()],
        &token.signing_key(),
    )?;
    let day = Day::from_ymd(2026, 12, 1).ok_or("day")?;
    let report = Report {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        concern: Concern {
            category: Some(Category::HonestyAndIntegrity),
            concerning: vec![],
            subjects: vec![Subject { name: Some("PC Golden".into()), ..Default::default() }],
            what: "Golden fixture: format version 2 must open forever.".into(),
            when: None,
            r#where: None,
            reported_elsewhere: None,
            disclosure: Disclosure::Anonymous,
        },
        sealed_to: vec!["golden-1".into()],
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: day,
        route: Some(route.clone()),
        last_seen: None,
    };
    let follow_up = Report {
        concern: Concern { what: "Golden follow-up, format 2.".into(), ..Default::default() },
        day_sent: day.plus_days(1),
        ..report.clone()
    };
    let reply = Reply {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        reviewer: "golden-1".into(),
        text: "Golden reply, format 2.".into(),
        day_sent: day.plus_days(2),
        thread_recipients: vec!["golden-1".into()],
        route: Some(route.clone()),
        directory_version: Some(7),
        seen: None,
    };
    let receipt = Receipt {
        reader_changes: vec![],
        schema: SCHEMA_VERSION,
        thread_id: token.thread_id(),
        reviewer: "golden-1".into(),
        day_sent: day,
        thread_recipients: vec!["golden-1".into()],
        route: Some(route),
        directory_version: Some(7),
    };
    let to_reader = [reader.recipient()];
    let to_reporter = [token.reply_identity().to_public()];
    for (name, document, recipients, signer) in [
        ("report", Document::Report(report), &to_reader, &token.signing_key()),
        ("follow-up", Document::FollowUp(follow_up), &to_reader, &token.signing_key()),
        ("reply", Document::Reply(reply), &to_reporter, reader.signing_key()),
        ("receipt", Document::Receipt(receipt), &to_reporter, reader.signing_key()),
    ] {
        let sealed = seal_document(recipients, 4, &document, vec![], signer, Vec::new())?;
        fs::write(dir.join(format!("{name}.age")), sealed)?;
        fs::write(dir.join(format!("{name}.json")), serde_json::to_vec_pretty(&document)?)?;
    }
    fs::write(dir.join("directory.json"), served)?;
    fs::write(dir.join("root.pub"), format!("{}\n", root.public()))?;
    fs::write(dir.join("identity.txt"), format!("{}\n", reader.age_identity_text().expose_secret()))?;
    println!("wrote golden fixture to {}", dir.display());
    Ok(())
}

fn reviewer_entry(id: &str, queue: &str) -> Reviewer {
    entry_for(&ReviewerSecret::generate(id), queue)
}

/// The directory entry of a reviewer whose secret the caller keeps.
fn entry_for(s: &ReviewerSecret, queue: &str) -> Reviewer {
    Reviewer {
        id: s.id.clone(),
        display_name: format!("Reviewer {}", s.id),
        aliases: vec![],
        collar: None,
        role: Role::Reviewer,
        queues: vec![queue.into()],
        recipients: vec![RecipientKey { kind: "x25519".into(), key: s.recipient().to_string() }],
        signing_key: s.public_signing_key(),
    }
}

fn sample_directory(version: u64, not_after: Day) -> Directory {
    Directory {
        format: directory::DIRECTORY_FORMAT.into(),
        organisation: "Vector Constabulary".into(),
        version,
        not_after,
        relay: RelayAddresses { https: "https://relay.example".into(), onion: None },
        stanzas: 4,
        queues: vec![
            Queue { id: "psd".into(), name: "PSD".into(), independent: false, escalate_to: vec![] },
            Queue { id: "pcc".into(), name: "PCC".into(), independent: true, escalate_to: vec![] },
        ],
        reviewers: vec![reviewer_entry("psd-1", "psd"), reviewer_entry("pcc-1", "pcc")],
        routing: Routing {
            rules: vec![RoutingRule { categories: vec![], concerning: vec![], queues: vec!["psd".into()] }],
            fallback_queue: "pcc".into(),
        },
        retired: vec![],
        records: None,
        custodians: vec![],
    }
}

/// Signs raw bytes without any validation, so vectors can hold signed but invalid documents.
fn served_raw(doc: &str, signers: &[&RootSecretKey], seeds: &[[u8; 32]]) -> String {
    let sigs: Vec<String> = signers
        .iter()
        .zip(seeds)
        .map(|(root, seed)| {
            let key = ed25519_dalek::SigningKey::from_bytes(seed);
            let mut msg = directory::SIGNATURE_CONTEXT.to_vec();
            msg.extend_from_slice(doc.as_bytes());
            format!("{{\"key\": \"{}\", \"signature\": \"{}\"}}", root.public(), B64.encode(key.sign(&msg).to_bytes()))
        })
        .collect();
    format!("{{\"directory\": {doc}, \"signatures\": [{}]}}\n", sigs.join(", "))
}

fn write_directory_vectors(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    fs::create_dir_all(dir)?;
    let seeds = [[1u8; 32], [2u8; 32], [3u8; 32], [4u8; 32]];
    let roots: Vec<RootSecretKey> = seeds.iter().map(RootSecretKey::from_seed).collect();
    let today = Day::from_ymd(2026, 11, 27).ok_or("day")?;
    let later = Day::from_ymd(2027, 6, 30).ok_or("day")?;
    let doc = serde_json::to_string_pretty(&sample_directory(3, later))?;
    let one = |d: &str| served_raw(d, &[&roots[0]], &seeds[..1]);
    let pinned1 = vec![roots[0].public().to_string()];
    let pinned3: Vec<String> = roots[..3].iter().map(|r| r.public().to_string()).collect();

    /// (file name, expected outcome, description, pinned roots, threshold, min version, today, served bytes)
    type Case<'a> = (&'a str, &'a str, &'a str, Vec<String>, usize, u64, Day, String);
    let mut cases: Vec<Case<'_>> = vec![
        (
            "valid",
            "success",
            "signed by the one pinned root, current, consistent",
            pinned1.clone(),
            1,
            0,
            today,
            one(&doc),
        ),
        (
            "bad-signature",
            "bad-signature",
            "one byte of the document changed after signing",
            pinned1.clone(),
            1,
            0,
            today,
            one(&doc).replacen("Vector Constabulary", "Vector Constabularz", 1),
        ),
        (
            "reformatted",
            "bad-signature",
            "the same document re-serialised compactly: the signed bytes are what counts",
            pinned1.clone(),
            1,
            0,
            today,
            {
                let v: serde_json::Value = serde_json::from_str(&doc)?;
                let signed = one(&doc);
                signed.replacen(&doc, &serde_json::to_string(&v)?, 1)
            },
        ),
        (
            "unpinned-root",
            "below-threshold",
            "validly signed, but by a root the client does not pin",
            pinned1.clone(),
            1,
            0,
            today,
            served_raw(&doc, &[&roots[3]], &seeds[3..4]),
        ),
        (
            "below-threshold",
            "below-threshold",
            "2-of-3 required, one pinned signature present",
            pinned3.clone(),
            2,
            0,
            today,
            one(&doc),
        ),
        (
            "duplicate-signature",
            "below-threshold",
            "the same root's signature twice counts once",
            pinned3.clone(),
            2,
            0,
            today,
            served_raw(&doc, &[&roots[0], &roots[0]], &[seeds[0], seeds[0]]),
        ),
        (
            "two-of-three",
            "success",
            "2-of-3 required, two pinned signatures present",
            pinned3.clone(),
            2,
            0,
            today,
            served_raw(&doc, &[&roots[0], &roots[2]], &[seeds[0], seeds[2]]),
        ),
        (
            "rolled-back",
            "rolled-back",
            "version 3 served to a client that has seen version 4",
            pinned1.clone(),
            1,
            4,
            today,
            one(&doc),
        ),
        (
            "expired",
            "expired",
            "not_after 2027-06-30, checked on 2027-07-01",
            pinned1.clone(),
            1,
            0,
            Day::from_ymd(2027, 7, 1).ok_or("day")?,
            one(&doc),
        ),
        (
            "unknown-field",
            "malformed",
            "validly signed document with a field this version does not know",
            pinned1.clone(),
            1,
            0,
            today,
            one(&doc.replacen("\"version\"", "\"escrow_key\": \"x\",\n  \"version\"", 1)),
        ),
        ("not-json", "malformed", "not JSON at all", pinned1.clone(), 1, 0, today, "directory goes here\n".into()),
        (
            "inconsistent",
            "invalid",
            "validly signed, but 4 stanzas cannot carry 5 reviewers",
            pinned1.clone(),
            1,
            0,
            today,
            {
                let mut d = sample_directory(3, later);
                for i in 2..5 {
                    d.reviewers.push(reviewer_entry(&format!("psd-{i}"), "psd"));
                }
                one(&serde_json::to_string_pretty(&d)?)
            },
        ),
        (
            "future-key-kind",
            "success",
            "a reviewer also lists a post-quantum key kind this version ignores",
            pinned1.clone(),
            1,
            0,
            today,
            {
                let mut d = sample_directory(3, later);
                d.reviewers[0]
                    .recipients
                    .push(RecipientKey { kind: "mlkem768x25519".into(), key: "age1pq1placeholder".into() });
                one(&serde_json::to_string_pretty(&d)?)
            },
        ),
    ];
    for (name, expect, description, pinned, threshold, min_version, day, served) in cases.drain(..) {
        let mut text = format!("expect: {expect}\ndescription: {description}\n");
        for p in pinned {
            text.push_str(&format!("root: {p}\n"));
        }
        text.push_str(&format!("threshold: {threshold}\nmin_version: {min_version}\ntoday: {day}\n\n{served}"));
        fs::write(dir.join(format!("{name}.vector")), text)?;
    }
    println!("wrote directory vectors to {}", dir.display());
    Ok(())
}

fn write_golden(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    fs::create_dir_all(dir)?;
    let identity = age::x25519::Identity::generate();
    let token = MailboxToken::from_bytes(*b"golden-token-v1!");
    let doc = Document::Report(Report {
        reader_changes: vec![],
        schema: SCHEMA_V1,
        thread_id: token.thread_id(),
        concern: Concern {
            category: Some(Category::HonestyAndIntegrity),
            concerning: vec![],
            subjects: vec![Subject {
                name: Some("PC Golden".into()),
                collar_number: Some("1001".into()),
                role: Some("Response".into()),
                station: Some("Central".into()),
            }],
            what: "Golden fixture: format version 1 must open forever.".into(),
            when: Some("2026-11-01".into()),
            r#where: Some("Central custody".into()),
            reported_elsewhere: Some("no".into()),
            disclosure: Disclosure::Confidential {
                name: Some("A. Reporter".into()),
                contact: Some("ask at the front desk".into()),
            },
        },
        sealed_to: vec!["golden-1".into()],
        reply_recipient: token.reply_identity().to_public().to_string(),
        mailbox: token.mailbox_id().address(),
        reporter_key: token.public_signing_key(),
        day_sent: Day::from_ymd(2026, 11, 27).ok_or("day")?,
        route: None,
        last_seen: None,
    });
    let attachment = b"golden attachment bytes\n".to_vec();
    let mut reader = &attachment[..];
    let sealed = seal_document(
        &[identity.to_public()],
        12,
        &doc,
        vec![AttachmentSource {
            meta: AttachmentMeta { name: "golden.txt".into(), media_type: "text/plain".into() },
            len: attachment.len() as u64,
            reader: &mut reader,
        }],
        &token.signing_key(),
        Vec::new(),
    )?;
    fs::write(dir.join("envelope.age"), sealed)?;
    fs::write(dir.join("identity.txt"), format!("{}\n", identity.to_string().expose_secret()))?;
    fs::write(dir.join("document.json"), serde_json::to_vec_pretty(&doc)?)?;
    fs::write(dir.join("golden.txt"), &attachment)?;
    println!("wrote golden fixture to {}", dir.display());
    Ok(())
}
