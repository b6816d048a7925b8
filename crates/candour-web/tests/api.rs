//! The page's calls, natively: the same frames the page sends, checked against the CLI's format
//! (the example reviewers open what the page seals) and against every kind of bad input.

use std::path::PathBuf;

use candour_core::envelope::CollectAttachments;
use candour_core::keys::{ReviewerSecret, RootSecretKey, SecretKeyFile};
use candour_core::message::open_document;
use candour_core::report::Document;
use candour_web::frame;
use serde_json::{json, Value};

fn keys_example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys-example")
}

fn served_directory() -> Vec<u8> {
    std::fs::read(keys_example().join("directory.json")).expect("directory")
}

fn reviewer(id: &str) -> ReviewerSecret {
    let pass = age::secrecy::SecretString::from("candour-example-only".to_owned());
    let file = std::fs::read(keys_example().join(format!("reviewers/{id}.key"))).expect("key");
    match SecretKeyFile::read_protected(&file[..], &pass).expect("unlocks") {
        SecretKeyFile::Reviewer(r) => r,
        SecretKeyFile::Root(_) => panic!("root"),
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// An answer's JSON and bytes parts, or an error's code and message.
type Answer = Result<(Value, Vec<Vec<u8>>), (String, String)>;

/// One call as the page makes it.
fn call(op: u32, request: Value, blobs: &[&[u8]]) -> Answer {
    candour_web::rng::seed(rand::random());
    let framed = frame::build(request.to_string().as_bytes(), blobs);
    let result = candour_web::call(op, &framed, Vec::new());
    candour_web::rng::forget();
    match result {
        Ok(answer) => {
            let parts = frame::parts(&answer).expect("answer frame");
            let json = serde_json::from_slice(parts[0]).expect("answer JSON");
            Ok((json, parts[1..].iter().map(|p| p.to_vec()).collect()))
        }
        Err(e) => {
            let v: Value = serde_json::from_slice(&e.to_json()).expect("error JSON");
            Err((v["error"]["code"].as_str().unwrap_or("").to_owned(), v["error"]["message"].to_string()))
        }
    }
}

fn concern(category: &str, what: &str) -> Value {
    json!({"category": category, "what": what, "subjects": [{"name": "PC Example", "collar_number": "4471"}]})
}

#[test]
fn the_directory_call_verifies_against_the_pinned_root() {
    let (info, _) = call(1, json!({"now_unix": now()}), &[&served_directory()]).expect("verifies");
    assert_eq!(info["reviewers"].as_array().map(Vec::len), Some(10), "the escalation recipients can be excluded too");
    assert!(info["categories"].as_array().is_some_and(|c| c.iter().any(|c| c["id"] == "prevent-concern")));

    // Signed by another root: refused, with the directory error's code.
    let other = RootSecretKey::generate();
    let unsigned = std::fs::read(keys_example().join("directory.unsigned.json")).expect("unsigned");
    let foreign = candour_core::directory::sign(&unsigned, &other).expect("sign");
    let (code, message) = call(1, json!({"now_unix": now()}), &[&foreign]).expect_err("refused");
    assert_eq!(code, "directory-below-threshold", "{message}");

    // Altered after signing.
    let mut tampered = served_directory();
    let at = tampered.windows(5).position(|w| w == b"psd-1").expect("psd-1 in directory");
    tampered[at + 4] = b'9';
    let (code, _) = call(1, json!({"now_unix": now()}), &[&tampered]).expect_err("refused");
    assert!(code.starts_with("directory-"), "{code}");
}

/// A shared relay's bundle: the page keeps the directory its compiled-in root signed, wherever
/// it is in the bundle, and gets its exact bytes back for the later calls.
#[test]
fn the_bundle_call_picks_this_pages_force() {
    let other = RootSecretKey::generate();
    let unsigned = std::fs::read(keys_example().join("directory.unsigned.json")).expect("unsigned");
    let foreign = String::from_utf8(candour_core::directory::sign(&unsigned, &other).expect("sign")).expect("utf-8");
    let ours = String::from_utf8(served_directory()).expect("utf-8");
    let bundle = |directories: Vec<String>| {
        serde_json::to_vec(&candour_core::api::DirectoryBundle {
            format: candour_core::api::DIRECTORY_BUNDLE_FORMAT.into(),
            directories,
        })
        .expect("bundle")
    };
    let (info, parts) =
        call(10, json!({"now_unix": now()}), &[&bundle(vec![foreign.clone(), ours.clone()])]).expect("picks");
    assert_eq!(parts, [served_directory()], "the directory's own bytes, for the later calls");
    assert!(info["organisation"].as_str().is_some_and(|o| o.starts_with("Example Constabulary")), "{info}");
    let (again, _) = call(1, json!({"now_unix": now()}), &[&parts[0]]).expect("the bytes verify on their own");
    assert_eq!(again, info);

    let (code, message) = call(10, json!({"now_unix": now()}), &[&bundle(vec![foreign])]).expect_err("not ours");
    assert_eq!(code, "directory-not-served", "{message}");
    let (code, _) = call(10, json!({"now_unix": now()}), &[b"{\"format\": \"x\"}"]).expect_err("no bundle");
    assert_eq!(code, "directory-malformed");
    let mut tampered = ours.clone();
    tampered = tampered.replacen("psd-1", "psd-9", 1);
    let (code, _) = call(10, json!({"now_unix": now()}), &[&bundle(vec![tampered])]).expect_err("altered");
    assert_eq!(code, "directory-bad-signature", "our root's signature over altered bytes says so");
}

#[test]
fn a_sealed_report_opens_for_its_readers_only_with_its_attachment() {
    let request = json!({
        "now_unix": now(),
        "concern": concern("honesty-and-integrity", "WEB-CANARY what happened"),
        "excluded": ["acu-2"],
        "attachments": [{"name": "C:\\Users\\me\\notes.bin", "allow_unstripped": true}],
    });
    let (answer, parts) = call(4, request, &[&served_directory(), b"attachment bytes"]).expect("seals");
    let words: Vec<&str> = answer["token"].as_str().expect("token").split(' ').collect();
    assert_eq!(words.len(), 12);
    let envelope = &parts[0];
    assert!(!envelope.windows(11).any(|w| w == b"WEB-CANARY "), "plaintext in the envelope");

    let mut sink = CollectAttachments::new(1 << 20);
    let opened = open_document(reviewer("psd-1").identity(), &envelope[..], &mut sink).expect("psd-1 opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.what, "WEB-CANARY what happened");
    assert_eq!(report.sealed_to, ["psd-1", "psd-2", "acu-1"]);
    assert_eq!(sink.collected.len(), 1);
    assert_eq!(sink.collected[0].0.name, "notes.bin", "only the file's own name is kept");
    assert_eq!(sink.collected[0].1, b"attachment bytes");
    let token: candour_core::token::MailboxToken = words.join(" ").parse().expect("token parses");
    assert_eq!(report.thread_id, token.thread_id());

    for id in ["acu-2", "sb-1", "pcc-1"] {
        assert!(open_document(reviewer(id).identity(), &envelope[..], &mut sink).is_err(), "{id} opened it");
    }
}

#[test]
fn bad_input_gets_a_stable_code() {
    let dir = served_directory();
    let seal = |c: Value, attachments: Value, blobs: &[&[u8]]| {
        let mut all: Vec<&[u8]> = vec![&dir];
        all.extend_from_slice(blobs);
        call(4, json!({"now_unix": now(), "concern": c, "attachments": attachments}), &all).map(|_| ())
    };
    let code = |r: Result<(), (String, String)>| r.expect_err("refused").0;
    assert_eq!(code(seal(json!({"what": "x"}), json!([]), &[])), "missing-category");
    assert_eq!(code(seal(concern("use-of-force", "  "), json!([]), &[])), "empty-what");
    assert_eq!(code(seal(json!({"category": "nonsense", "what": "x"}), json!([]), &[])), "malformed-request");
    // A file of a type that cannot be cleaned needs the reporter's consent.
    assert_eq!(
        code(seal(concern("use-of-force", "x"), json!([{"name": "a.docx"}]), &[b"PK\x03\x04"])),
        "attachment-unstripped"
    );
    // A truncated JPEG is refused rather than sent half-cleaned.
    assert_eq!(
        code(seal(concern("use-of-force", "x"), json!([{"name": "a.jpg"}]), &[b"\xFF\xD8\xFF\xE1\x00\x10Exif"])),
        "attachment-malformed"
    );
    // Attachments described and given must match.
    assert_eq!(
        code(seal(concern("use-of-force", "x"), json!([{"name": "a"}, {"name": "b"}]), &[b"1"])),
        "malformed-request"
    );
    // More than a browser can hold is refused before any work.
    let big = vec![0u8; candour_web::api::MAX_ATTACHMENT_BYTES / 2 + 1];
    let two = json!([{"name": "a", "allow_unstripped": true}, {"name": "b", "allow_unstripped": true}]);
    assert_eq!(code(seal(concern("use-of-force", "x"), two, &[&big, &big])), "attachments-too-large");
    // Excluding an unknown reviewer.
    let r =
        call(2, json!({"now_unix": now(), "concern": concern("use-of-force", "x"), "excluded": ["nobody"]}), &[&dir]);
    assert_eq!(r.expect_err("refused").0, "routing");
    // Tokens.
    assert_eq!(call(6, json!({"token": "abandon abandon"}), &[]).expect_err("refused").0, "token-word-count");
    let bad_word = ["abandon"; 11].join(" ") + " zzzz";
    assert_eq!(call(6, json!({ "token": bad_word }), &[]).expect_err("refused").0, "token-unknown-word");
    let checksum = ["abandon"; 12].join(" ");
    assert_eq!(call(6, json!({ "token": checksum }), &[]).expect_err("refused").0, "token-checksum");
    // Frames and calls.
    assert_eq!(call(99, json!({}), &[]).expect_err("refused").0, "unknown-call");
    let garbage = candour_web::call(4, b"\x01\x02", Vec::new()).expect_err("refused");
    assert_eq!(garbage.code(), "malformed-frame");
    // No randomness, no envelope.
    candour_web::rng::forget();
    let framed = frame::build(
        json!({"now_unix": now(), "concern": concern("use-of-force", "x")}).to_string().as_bytes(),
        &[&dir],
    );
    assert_eq!(candour_web::call(4, &framed, Vec::new()).expect_err("refused").code(), "no-randomness");
}

#[test]
fn preview_names_the_fallback_and_inspect_warns_about_uncleanable_files() {
    let dir = served_directory();
    let (preview, _) = call(
        2,
        json!({"now_unix": now(), "concern": concern("honesty-and-integrity", "x"), "excluded": ["acu-1", "acu-2"]}),
        &[&dir],
    )
    .expect("preview");
    let readers: Vec<&str> =
        preview["readers"].as_array().expect("readers").iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(readers, ["psd-1", "psd-2", "pcc-1"]);
    assert!(preview["fallback"].as_str().is_some_and(|f| f.contains("excluded everyone in acu")));

    let (inspected, _) = call(3, json!({"name": "minutes.docx"}), &[b"PK\x03\x04rest"]).expect("inspects");
    assert_eq!(inspected["attachment"]["sent_as_is"], true);
    assert!(inspected["warning"].as_str().is_some_and(|w| w.contains("may reveal who made it")));
}

#[test]
fn pow_and_hash_calls_match_the_core() {
    use candour_core::pow::{Challenge, ChallengeToken, MAC_LEN};
    let token = |difficulty| ChallengeToken::new([0; 16], 1 << 20, difficulty, 1_800_000_000, [0; MAC_LEN]);
    let challenge = serde_json::to_value(Challenge::for_token(token(8))).expect("json");
    let (answer, _) = call(5, challenge, &[]).expect("solves");
    let solution: candour_core::pow::Solution = answer["value"].as_str().expect("value").parse().expect("parses");
    assert_eq!(solution.challenge, token(8));
    assert!(candour_core::pow::verify(&solution).is_ok());
    let too_hard = serde_json::to_value(Challenge::for_token(token(40))).expect("json");
    assert_eq!(call(5, too_hard, &[]).expect_err("refused").0, "pow");
    let (hash, _) = call(9, json!({}), &[b"abc"]).expect("hashes");
    assert_eq!(hash["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn a_report_about_a_reader_is_refused_until_resolved_and_follow_ups_keep_the_readers() {
    let dir = served_directory();
    let about_reilly = json!({"category": "honesty-and-integrity", "what": "Took cash",
                              "subjects": [{"name": "Tommy Reilly"}]});
    let (preview, _) =
        call(2, json!({"now_unix": now(), "concern": about_reilly, "excluded": []}), &[&dir]).expect("preview");
    let conflicts = preview["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{preview}");
    assert_eq!(
        (conflicts[0]["code"].as_str(), conflicts[0]["reviewer"].as_str()),
        (Some("subject-is-reader"), Some("psd-2"))
    );
    assert!(conflicts[0]["message"].as_str().is_some_and(|m| m.contains("another name they are known by")));
    // The module enforces it, whatever the page does.
    let seal = |excluded: Value, keep: bool| {
        call(4, json!({"now_unix": now(), "concern": about_reilly, "excluded": excluded, "keep_route": keep}), &[&dir])
    };
    assert_eq!(seal(json!([]), false).expect_err("refused").0, "reaches-subject");
    let (sealed, parts) = seal(json!(["psd-2"]), false).expect("resolved by leaving him out");
    assert_eq!(sealed["sealed_to"]["readers"].as_array().map(Vec::len), Some(3));
    assert!(open_document(reviewer("psd-2").identity(), &parts[0][..], &mut CollectAttachments::new(1 << 20)).is_err());
    assert!(seal(json!([]), true).is_ok(), "or sent as routed, knowingly");
    let psd_staff = json!({"category": "honesty-and-integrity", "what": "x",
                           "subjects": [{"name": "DC Ahmed", "station": "PSD Headquarters"}]});
    let (preview, _) = call(2, json!({"now_unix": now(), "concern": psd_staff}), &[&dir]).expect("preview");
    assert_eq!(preview["conflicts"][0]["concerning"], "professional-standards-staff", "{preview}");

    // Follow-ups: never routed afresh, only narrowed, and held back if they name a reader.
    let token = MailboxTokenWords::new();
    let follow = |extra: Value| {
        let mut request = json!({"now_unix": now(), "token": token.0, "text": "More detail", "dry_run": true});
        for (k, v) in extra.as_object().expect("object") {
            request[k] = v.clone();
        }
        call(8, request, &[&dir])
    };
    assert_eq!(follow(json!({})).expect_err("no readers yet").0, "not-yet-received");
    let readers = json!(["psd-1", "psd-2", "acu-1"]);
    let (answer, _) = follow(json!({"recipients": readers})).expect("preview");
    assert_eq!(answer["sealed_to"]["readers"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        follow(json!({"recipients": readers, "exclude": ["acu-2"]})).expect_err("not a reader").0,
        "not-a-reader"
    );
    // Leaving every reader out is refused before anything is sealed (it once reached the
    // sealer with no recipients at all).
    assert_eq!(
        follow(json!({"recipients": readers, "exclude": ["psd-1", "psd-2", "acu-1"], "dry_run": false}))
            .expect_err("nobody left")
            .0,
        "nobody-left"
    );
    let (answer, _) =
        follow(json!({"recipients": readers, "text": "I told DCI Priya Nair", "dry_run": true})).expect("preview");
    assert_eq!(answer["conflicts"][0]["reviewer"], "acu-1", "{answer}");
    let send = |extra: Value| {
        follow(json!({"recipients": readers, "text": "I told DCI Priya Nair", "dry_run": false}).merge(extra))
    };
    assert_eq!(send(json!({})).expect_err("held back").0, "reaches-subject");
    assert!(send(json!({"exclude": ["acu-1"]})).is_ok());
    assert!(send(json!({"keep_readers": true})).is_ok());
}

/// A fresh token's words, for calls that take one.
struct MailboxTokenWords(String);

impl MailboxTokenWords {
    fn new() -> Self {
        MailboxTokenWords(candour_core::token::MailboxToken::generate().to_words().to_string())
    }
}

/// Shallow merge of JSON objects, for building requests.
trait Merge {
    fn merge(self, other: Value) -> Value;
}

impl Merge for Value {
    fn merge(mut self, other: Value) -> Value {
        if let (Some(a), Some(b)) = (self.as_object_mut(), other.as_object()) {
            for (k, v) in b {
                a.insert(k.clone(), v.clone());
            }
        }
        self
    }
}

/// The mailbox calls as the page makes them, with a corrupt reader's reply in the mailbox and a
/// reply filed twice: the module names the committed readers, refuses the excluded one, shows a
/// repeat once, and will not seal a follow-up outside the commitment or under an altered one.
#[test]
fn the_page_seals_follow_ups_to_the_committed_readers_only() {
    use candour_core::report::{Concern, Reply, SCHEMA_VERSION};
    let served = served_directory();
    let policy = candour_core::directory::TrustPolicy {
        roots: vec![std::fs::read_to_string(keys_example().join("root.pub"))
            .expect("root")
            .trim()
            .parse()
            .expect("root")],
        threshold: 1,
        min_version: 0,
        today: candour_core::Day::from_unix_seconds(now()),
    };
    let dir = candour_core::directory::verify(&served, &policy).expect("directory");
    let token = candour_core::token::MailboxToken::generate();
    let concern = Concern {
        category: Some(candour_core::report::Category::Confidentiality),
        what: "Someone looked up a neighbour on the PNC".into(),
        ..Default::default()
    };
    let today = candour_core::Day::from_unix_seconds(now());
    let composed =
        candour_submit::compose::compose_report(&dir, &token, concern, &["acu-2".into()], today).expect("compose");
    let Document::Report(report) = composed.document else { panic!("a report") };
    let route = report.route.clone().expect("commitment");
    let reply = |who: &str, recipients: &[&str]| {
        let doc = Document::Reply(Reply {
            reader_changes: vec![],
            schema: SCHEMA_VERSION,
            thread_id: report.thread_id,
            reviewer: who.into(),
            text: format!("from {who}"),
            day_sent: today,
            thread_recipients: recipients.iter().map(|s| (*s).to_owned()).collect(),
            route: Some(route.clone()),
            directory_version: Some(dir.directory().version),
            seen: None,
        });
        let to = report.reply_recipient.parse().expect("recipient");
        candour_core::message::seal_document(
            &[to],
            dir.directory().stanzas,
            &doc,
            vec![],
            reviewer(who).signing_key(),
            Vec::new(),
        )
        .expect("seal")
    };
    let honest = reply("psd-1", &["psd-1", "psd-2", "acu-1"]);
    let corrupt = reply("psd-2", &["psd-2", "acu-2"]);
    let words = token.to_words().to_string();
    let (opened, _) =
        call(7, json!({"now_unix": now(), "token": words}), &[&served, &honest, &honest, &corrupt]).expect("opens");
    assert_eq!(opened["replies"].as_array().map(Vec::len), Some(2), "{opened}");
    assert!(opened["warnings"].to_string().contains("more than once"), "{opened}");
    let follow_up = &opened["follow_up"];
    assert_eq!(follow_up["readers"], json!(["psd-1", "psd-2", "acu-1"]));
    assert_eq!(follow_up["refused_excluded"], json!(["acu-2"]));

    let request = |recipients: Value, route: &Value| json!({"now_unix": now(), "token": words, "text": "More detail.", "recipients": recipients, "route": route, "dry_run": true});
    let (answer, _) = call(8, request(follow_up["readers"].clone(), &follow_up["route"]), &[&served]).expect("dry run");
    assert_eq!(answer["sealed_to"]["readers"].as_array().map(Vec::len), Some(3), "{answer}");
    let (code, _) = call(8, request(json!(["psd-1", "acu-2"]), &follow_up["route"]), &[&served]).expect_err("outside");
    assert_eq!(code, "outside-commitment");
    let mut altered = follow_up["route"].clone();
    altered["readers"] = json!(["acu-1", "acu-2", "psd-1", "psd-2"]);
    let (code, _) = call(8, request(json!(["psd-1", "acu-2"]), &altered), &[&served]).expect_err("altered");
    assert_eq!(code, "commitment-excluded-reader", "acu-2 is still listed as excluded");
    altered["excluded"] = json!([]);
    let (code, _) = call(8, request(json!(["psd-1", "acu-2"]), &altered), &[&served]).expect_err("altered");
    assert_eq!(code, "commitment-bad-signature", "and dropping the exclusion breaks the reporter's signature");
}

/// A confidential reporter on the page: the preview says the custodian (pcc-ce) alone holds the
/// name, and the sealed report carries it held, opened by pcc-ce's key and by no reader's.
#[test]
fn the_page_holds_a_confidential_name_for_the_custodian() {
    let mut concern = concern("honesty-and-integrity", "held name");
    concern["disclosure"] = json!({"confidential": {"name": "WEB-NAME Alex Doe", "contact": "WEB-CONTACT 0161"}});
    let dir = served_directory();
    let (preview, _) =
        call(2, json!({"now_unix": now(), "concern": concern.clone(), "excluded": []}), &[&dir]).expect("preview");
    let said = preview["identity"].as_str().expect("the preview says who reads the name");
    assert!(said.contains("identity custodian") && said.contains("[pcc-ce]"), "{said}");
    let (_, parts) = call(4, json!({"now_unix": now(), "concern": concern, "excluded": []}), &[&dir]).expect("seals");
    let opened = open_document(reviewer("psd-1").identity(), &parts[0][..], &mut CollectAttachments::new(1 << 20))
        .expect("psd-1 opens the report");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    let candour_core::report::Disclosure::Held { custodians, held } = &report.concern.disclosure else {
        panic!("held: {:?}", report.concern.disclosure)
    };
    assert_eq!(custodians, &["pcc-ce"]);
    assert!(!serde_json::to_string(&report).expect("json").contains("WEB-NAME"), "the report holds no name");
    let open = |id: &str| {
        candour_core::custody::open_held(reviewer(id).identity(), held, &report.thread_id, &report.reporter_key)
    };
    assert!(open("psd-1").is_err() && open("psd-2").is_err(), "no reader opens it");
    assert_eq!(open("pcc-ce").expect("the custodian opens it").name.as_deref(), Some("WEB-NAME Alex Doe"));
}
