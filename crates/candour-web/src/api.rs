//! The calls the page makes, each a [`frame`] in and a frame out.
//!
//! Every call is the same code the CLI runs: `directory::verify` against the roots pinned here,
//! `compose_report`/`compose_follow_up` for routing and the preview, `strip` for attachments,
//! `seal_document` for the envelope, `pow::solve` for the relay's challenge and `open_reply` for
//! the mailbox. The page never sees a key; it sees the token, which it must show once.

use candour_core::conflicts::{report_conflicts, Conflict};
use candour_core::directory::{self, Role, TrustPolicy, VerifiedDirectory};
use candour_core::envelope::{AttachmentMeta, AttachmentSource};
use candour_core::keys::RootPublicKey;
use candour_core::pow::{self, Challenge};
use candour_core::report::{Category, Concern, Document, Subject};
use candour_core::token::{MailboxToken, TokenParseError};
use candour_core::wire::{to_hex, MailboxAddress};
use candour_core::Day;
use candour_l10n::{Language, Messages};
use candour_submit::attach::{self, AttachError, Content, UNSTRIPPED_WARNING};
use candour_submit::compose::{
    address_follow_up, compose_follow_up_after, compose_report, ComposeError, Composed, FollowUpAddress,
};
use candour_submit::mailbox::{
    drop_repeats, follow_up_readers, open_reply, FollowUpReaders, MessageKind, ReplyError, NOT_YET_RECEIVED,
};
use candour_submit::strip::Kind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::frame::{self, FrameError, FrameWriter};

/// The organisation roots the page trusts, compiled in. A force builds the page with its own
/// root: `CANDOUR_PINNED_ROOT=candour-root-... scripts/build-web.sh` (several separated by
/// commas). The default is the example organisation's root, for demos and tests only.
pub const PINNED_ROOTS: &str = match option_env!("CANDOUR_PINNED_ROOT") {
    Some(roots) => roots,
    None => include_str!("../../../keys-example/root.pub"),
};

/// How many distinct pinned roots must have signed the directory, compiled in with the roots:
/// `CANDOUR_PINNED_THRESHOLD=2` for a 2-of-3 organisation. One by default. A build whose
/// threshold is zero or exceeds its roots does not compile.
pub const PINNED_THRESHOLD: usize = match option_env!("CANDOUR_PINNED_THRESHOLD") {
    Some(t) => directory::parse_build_number(t) as usize,
    None => 1,
};

/// The lowest directory version the page accepts, compiled in
/// (`CANDOUR_MIN_DIRECTORY_VERSION`): a page keeps no state between visits, so this is its only
/// defence against a relay serving an older, still-valid directory. Raise it at every build
/// after the directory's version goes up; the default (1) refuses nothing a real directory has.
pub const MIN_DIRECTORY_VERSION: u64 = match option_env!("CANDOUR_MIN_DIRECTORY_VERSION") {
    Some(v) => directory::parse_build_number(v),
    None => 1,
};

const _: () = assert!(
    PINNED_THRESHOLD >= 1 && PINNED_THRESHOLD <= count_roots(PINNED_ROOTS),
    "CANDOUR_PINNED_THRESHOLD must be between 1 and the number of roots in CANDOUR_PINNED_ROOT"
);

/// The comma-separated, non-blank entries of a roots list, at compile time.
const fn count_roots(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut count, mut in_entry, mut i) = (0, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b',' => in_entry = false,
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ if !in_entry => {
                in_entry = true;
                count += 1;
            }
            _ => {}
        }
        i += 1;
    }
    count
}

/// The most a page will seal in one envelope's attachments. The module holds the files, their
/// stripped copies and the envelope in memory at once, which a phone's browser may not survive
/// for much more; the CLI streams from disk and takes up to the relay's limit.
pub const MAX_ATTACHMENT_BYTES: usize = 100 * 1024 * 1024;

/// How the page's reporter consents to sending a file whose metadata cannot be removed.
const CONSENT: &str = "or tick \"send it as it is\"";

/// The call numbers the page uses (`candour.js` has the same table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Op {
    /// Verify the served directory; list categories, queues and reviewers for the form.
    Directory = 1,
    /// Who would read a report with this form and these exclusions.
    Preview = 2,
    /// Strip what can be stripped from one attachment and say what was removed.
    Inspect = 3,
    /// Compose, strip, seal: the envelope and the new token.
    Seal = 4,
    /// Solve the relay's proof-of-work challenge.
    Pow = 5,
    /// The secret mailbox id for a token, to list and read the mailbox.
    Mailbox = 6,
    /// Open mailbox envelopes as replies to this token.
    OpenReplies = 7,
    /// Compose and seal a follow-up (or, with `dry_run`, only say who would read it).
    FollowUp = 8,
    /// SHA-256 of the bytes given (the page shows the hash of the module it runs).
    Sha256 = 9,
    /// Pick this page's force's directory out of the relay's bundle (`/v1/directories`) and
    /// verify it: as [`Op::Directory`], with the directory's exact bytes as part 1.
    DirectoryBundle = 10,
}

impl Op {
    fn from_u32(n: u32) -> Option<Op> {
        Some(match n {
            1 => Op::Directory,
            2 => Op::Preview,
            3 => Op::Inspect,
            4 => Op::Seal,
            5 => Op::Pow,
            6 => Op::Mailbox,
            7 => Op::OpenReplies,
            8 => Op::FollowUp,
            9 => Op::Sha256,
            10 => Op::DirectoryBundle,
            _ => return None,
        })
    }
}

/// Why a call failed. Each has a stable code the page shows and tests match.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// No such call.
    #[error("unknown call {0}")]
    UnknownOp(u32),
    /// The frame could not be read.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The JSON part is not what the call takes.
    #[error("the request is malformed: {0}")]
    Request(String),
    /// The directory failed verification against the pinned roots.
    #[error("the reviewer directory cannot be trusted, so nothing will be sent: {0}")]
    Directory(#[from] directory::DirectoryError),
    /// The compiled-in root is unusable (a build error, not the reporter's).
    #[error("this page was built with an unusable pinned root: {0}")]
    PinnedRoot(String),
    /// The form cannot be composed into a report (missing category, routing...).
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// An attachment could not be stripped or read.
    #[error(transparent)]
    Attach(AttachError),
    /// An attachment of a type whose metadata cannot be removed, without the reporter's consent.
    #[error("{0}: {UNSTRIPPED_WARNING}, {CONSENT}.")]
    Unstripped(String),
    /// More attachment bytes than a browser can safely seal.
    #[error(
        "the attachments add up to {0} MiB; a browser can seal at most 100 MiB at once. Send fewer or smaller \
         files, or use the candour command-line tool, which has no such limit"
    )]
    TooLarge(usize),
    /// The mailbox token is mistyped.
    #[error(transparent)]
    Token(#[from] TokenParseError),
    /// The relay's challenge is unusable.
    #[error("the relay's proof-of-work challenge is unusable: {0}")]
    Pow(String),
    /// Randomness was not available (the page did not seed this call).
    #[error("no secure randomness is available in this browser")]
    NoRandomness,
    /// The report (or follow-up) may reach the person it is about, and the reporter has not
    /// chosen to send it anyway.
    #[error("not sent: {0}")]
    ReachesSubject(String),
    /// A follow-up before any reviewer has received the report.
    #[error("{NOT_YET_RECEIVED}")]
    NotYetReceived,
}

impl From<AttachError> for WebError {
    fn from(e: AttachError) -> Self {
        match e {
            AttachError::Unstripped { name } => WebError::Unstripped(name),
            e => WebError::Attach(e),
        }
    }
}

impl WebError {
    /// The stable code.
    pub fn code(&self) -> String {
        match self {
            WebError::UnknownOp(_) => "unknown-call".into(),
            WebError::Frame(_) => "malformed-frame".into(),
            WebError::Request(_) => "malformed-request".into(),
            WebError::Directory(e) => format!("directory-{}", e.code()),
            WebError::PinnedRoot(_) => "pinned-root".into(),
            WebError::Compose(ComposeError::MissingCategory) => "missing-category".into(),
            WebError::Compose(ComposeError::EmptyWhat) => "empty-what".into(),
            WebError::Compose(ComposeError::Route(_)) => "routing".into(),
            WebError::Compose(ComposeError::UnknownRecipient(_)) => "unknown-recipient".into(),
            WebError::Compose(ComposeError::Seal(_)) => "seal".into(),
            WebError::Compose(e) => e.code().into(),
            WebError::Attach(e) => e.code().into(),
            WebError::Unstripped(_) => "attachment-unstripped".into(),
            WebError::TooLarge(_) => "attachments-too-large".into(),
            WebError::Token(e) => e.code().into(),
            WebError::Pow(_) => "pow".into(),
            WebError::NoRandomness => "no-randomness".into(),
            WebError::ReachesSubject(_) => "reaches-subject".into(),
            WebError::NotYetReceived => "not-yet-received".into(),
        }
    }

    /// The answer's JSON for this error, its message in the call's language where the
    /// reporter can act on it (the rest, which no reporter can put right, stays English).
    pub fn to_json(&self) -> Vec<u8> {
        json!({"error": {"code": self.code(), "message": self.message(words())}}).to_string().into_bytes()
    }

    /// The message in `m`'s language, where it has one.
    pub fn message(&self, m: Messages) -> String {
        use candour_submit::words;
        match self {
            WebError::Token(e) => words::token_error(m, e),
            WebError::Compose(e) => words::compose_error(m, e).unwrap_or_else(|| self.to_string()),
            WebError::Directory(e) => m.format("error-directory-untrusted", &[("reason", e.to_string().into())]),
            WebError::Unstripped(name) => {
                format!("{name}: {}", m.text("report-attach-unstripped-page"))
            }
            WebError::TooLarge(mib) => m.format("error-attachments-too-large", &[("total", (*mib).into())]),
            WebError::NoRandomness => m.text("error-no-randomness"),
            WebError::ReachesSubject(why) => m.format("error-not-sent", &[("reason", why.as_str().into())]),
            WebError::NotYetReceived => m.text("error-not-yet-received"),
            _ => self.to_string(),
        }
    }
}

/// Runs call `op` on the request `frame`, writing the answer frame into `out` (reused to avoid a
/// copy). The caller has seeded [`crate::rng`] for the calls that need randomness.
pub fn call(op: u32, request: &[u8], out: Vec<u8>) -> Result<Vec<u8>, WebError> {
    let op = Op::from_u32(op).ok_or(WebError::UnknownOp(op))?;
    let parts = frame::parts(request)?;
    let (json, blobs) = parts.split_first().ok_or(FrameError("no JSON part"))?;
    set_language(json);
    let mut writer = FrameWriter::new(out);
    let answer = match op {
        Op::Directory => directory_info(&verified(json, blobs)?),
        Op::Preview => preview(json, blobs)?,
        Op::Inspect => inspect(json, blobs)?,
        Op::Seal => seal(json, blobs, &mut writer)?,
        Op::Pow => solve(json)?,
        Op::Mailbox => {
            let req: TokenRequest = parse(json)?;
            let token = token(&req.token)?;
            json!({"mailbox_id": MailboxAddress(*token.mailbox_id().expose_secret()).to_string()})
        }
        Op::OpenReplies => open_replies(json, blobs, &mut writer)?,
        Op::FollowUp => follow_up(json, blobs, &mut writer)?,
        Op::Sha256 => {
            let bytes = blobs.first().ok_or_else(|| WebError::Request("nothing to hash".into()))?;
            json!({"sha256": to_hex(&Sha256::digest(bytes))})
        }
        Op::DirectoryBundle => {
            let (served, verified) = picked(json, blobs)?;
            writer.part(&served);
            directory_info(&verified)
        }
    };
    Ok(writer.finish(answer.to_string().as_bytes()))
}

thread_local! {
    /// The language of the call in progress (every request may say `"lang": "cy"`): the words
    /// this module writes for the reporter follow it ([`candour_submit::words`]). Set at the
    /// start of every call, so nothing carries over from one call to the next.
    static LANGUAGE: std::cell::Cell<Language> = const { std::cell::Cell::new(Language::English) };
}

fn set_language(json: &[u8]) {
    #[derive(Deserialize)]
    struct Lang {
        #[serde(default)]
        lang: Option<String>,
    }
    let language = serde_json::from_slice::<Lang>(json)
        .ok()
        .and_then(|l| l.lang)
        .and_then(|tag| Language::from_tag(&tag))
        .unwrap_or(Language::English);
    LANGUAGE.with(|l| l.set(language));
}

/// The reporter's words in the call's language.
fn words() -> Messages {
    Messages::new(LANGUAGE.with(std::cell::Cell::get))
}

fn parse<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, WebError> {
    serde_json::from_slice(json).map_err(|e| WebError::Request(e.to_string()))
}

/// What every call that needs the directory sends: the time, from the device's clock.
#[derive(Deserialize)]
struct Now {
    now_unix: u64,
}

fn pinned_policy(today: Day) -> Result<TrustPolicy, WebError> {
    policy_for(PINNED_ROOTS, PINNED_THRESHOLD, MIN_DIRECTORY_VERSION, today)
}

fn policy_for(roots: &str, threshold: usize, min_version: u64, today: Day) -> Result<TrustPolicy, WebError> {
    let roots = roots
        .split(',')
        .filter(|r| !r.trim().is_empty())
        .map(|r| r.trim().parse::<RootPublicKey>().map_err(|e| WebError::PinnedRoot(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // A page keeps no state between visits (nothing is stored in the browser), so it cannot
    // remember the newest version seen: rollback is bounded by the compiled-in minimum and the
    // directory's expiry.
    Ok(TrustPolicy { roots, threshold, min_version, today })
}

/// Picks from blob 0, the relay's bundle of every force's directory, the one the pinned roots
/// signed, verified, with its exact bytes (which every later call is given as its blob 0).
fn picked(json: &[u8], blobs: &[&[u8]]) -> Result<(Vec<u8>, VerifiedDirectory), WebError> {
    let now: Now = parse(json)?;
    let bundle = blobs.first().ok_or_else(|| WebError::Request("no directory bundle given".into()))?;
    let parsed: candour_core::api::DirectoryBundle = serde_json::from_slice(bundle)
        .map_err(|e| directory::DirectoryError::Malformed(format!("directory bundle: {e}")))?;
    let (index, verified) = directory::pick_from(&parsed, &pinned_policy(Day::from_unix_seconds(now.now_unix))?)?;
    let served = parsed.directories.into_iter().nth(index).map(String::into_bytes).unwrap_or_default();
    Ok((served, verified))
}

/// Verifies blob 0, the directory exactly as the relay served it.
fn verified(json: &[u8], blobs: &[&[u8]]) -> Result<VerifiedDirectory, WebError> {
    let now: Now = parse(json)?;
    let served = blobs.first().ok_or_else(|| WebError::Request("no directory given".into()))?;
    Ok(directory::verify(served, &pinned_policy(Day::from_unix_seconds(now.now_unix))?)?)
}

fn directory_info(dir: &VerifiedDirectory) -> Value {
    let d = dir.directory();
    json!({
        "organisation": d.organisation,
        "version": d.version,
        "not_after": d.not_after.to_string(),
        "sha256": to_hex(&dir.served_sha256()),
        "pinned_roots": PINNED_ROOTS.split(',').map(str::trim).filter(|r| !r.is_empty()).collect::<Vec<_>>(),
        "pinned_threshold": PINNED_THRESHOLD,
        "min_directory_version": MIN_DIRECTORY_VERSION,
        "max_attachment_bytes": MAX_ATTACHMENT_BYTES,
        "categories": Category::ALL.iter().map(|c| json!({
            "id": c, "name": c.title(), "explanation": c.explanation(),
        })).collect::<Vec<_>>(),
        "queues": d.queues.iter().map(|q| json!({"id": q.id, "name": q.name, "independent": q.independent})).collect::<Vec<_>>(),
        "reviewers": d.reviewers.iter().map(|r| json!({
            "id": r.id, "display_name": r.display_name, "queues": r.queues,
            "supervisor": r.role == Role::Supervisor,
        })).collect::<Vec<_>>(),
    })
}

/// The form as the page sends it: the report schema's own fields, plus exclusions.
#[derive(Deserialize)]
struct ReportForm {
    now_unix: u64,
    concern: Concern,
    #[serde(default)]
    excluded: Vec<String>,
    /// The reporter ticked "send it as it is" after being shown the conflicts.
    #[serde(default)]
    keep_route: bool,
}

/// Conflicts as the page shows them: what was noticed, and what would resolve it.
fn conflicts_json(conflicts: &[Conflict], subjects: &[Subject]) -> Value {
    Value::Array(
        conflicts
            .iter()
            .map(|c| {
                json!({
                    "code": c.code(),
                    "message": candour_submit::words::conflict(words(), c, subjects),
                    "reviewer": c.reviewer(),
                    "concerning": c.concerning(),
                })
            })
            .collect(),
    )
}

fn conflicts_message(conflicts: &[Conflict], subjects: &[Subject]) -> String {
    let list: Vec<String> = conflicts.iter().map(|c| candour_submit::words::conflict(words(), c, subjects)).collect();
    words().format("report-conflicts-choose", &[("conflicts", list.join(" ").into())])
}

fn readers_json(composed: &Composed, dir: &VerifiedDirectory) -> Value {
    let p = composed.preview(dir);
    json!({
        "queues": p.queues.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
        "readers": p.readers.iter().map(|r| json!({
            "id": r.id, "display_name": r.display_name, "queues": r.queues, "supervisor": r.supervisor,
        })).collect::<Vec<_>>(),
        "fallback": candour_submit::words::fallback(words(), dir, composed),
        "identity": candour_submit::words::identity(words(), dir, match &composed.document {
            Document::Report(r) | Document::FollowUp(r) => Some(&r.concern.disclosure),
            _ => None,
        }),
    })
}

fn preview(json: &[u8], blobs: &[&[u8]]) -> Result<Value, WebError> {
    let dir = verified(json, blobs)?;
    let form: ReportForm = parse(json)?;
    // The preview's token is thrown away: routing does not depend on it.
    let token = MailboxToken::from_bytes([0; 16]);
    let composed =
        compose_report(&dir, &token, form.concern.clone(), &form.excluded, Day::from_unix_seconds(form.now_unix))?;
    let mut answer = readers_json(&composed, &dir);
    let conflicts = report_conflicts(&dir, &form.concern, composed.readers.reviewer_ids());
    answer["conflicts"] = conflicts_json(&conflicts, &form.concern.subjects);
    Ok(answer)
}

/// An attachment as the page describes it; its bytes are the matching blob.
#[derive(Deserialize)]
struct AttachmentForm {
    name: String,
    /// Send a file whose metadata cannot be removed, as it is (the reporter ticked the box).
    #[serde(default)]
    allow_unstripped: bool,
}

/// What stripping did to one attachment, for the page to show.
#[derive(Serialize)]
struct Stripped {
    name: String,
    kind: &'static str,
    removed: String,
    sent_as_is: bool,
}

/// Prepares one attachment (`candour_submit::attach`, as the CLI does): its sealing metadata,
/// bytes and what was removed.
fn strip_one(form: &AttachmentForm, bytes: &[u8]) -> Result<Prepared, WebError> {
    let prepared = attach::prepare(&form.name, bytes, form.allow_unstripped)?;
    let kind = match prepared.kind {
        Kind::Jpeg => "jpeg",
        Kind::Png => "png",
        Kind::Pdf => "pdf",
        _ => "other",
    };
    let note = Stripped {
        name: prepared.meta.name.clone(),
        kind,
        removed: prepared.report.as_ref().map(|r| candour_submit::words::stripped(words(), r)).unwrap_or_default(),
        sent_as_is: prepared.sent_as_is(),
    };
    let content = match prepared.content {
        Content::Stripped(stripped) => stripped,
        Content::AsIs => Zeroizing::new(bytes.to_vec()),
    };
    Ok((prepared.meta, content, note))
}

/// An attachment stripped and ready to seal, with what stripping did.
type Prepared = (AttachmentMeta, Zeroizing<Vec<u8>>, Stripped);

/// Checks the attachments described against those given and their total size, then strips each.
fn prepare(described: &[AttachmentForm], files: &[&[u8]]) -> Result<Vec<Prepared>, WebError> {
    if files.len() != described.len() {
        return Err(WebError::Request(format!("{} attachments described, {} given", described.len(), files.len())));
    }
    let total: usize = files.iter().map(|f| f.len()).sum();
    if total > MAX_ATTACHMENT_BYTES {
        return Err(WebError::TooLarge(total.div_ceil(1024 * 1024)));
    }
    described.iter().zip(files).map(|(a, bytes)| strip_one(a, bytes)).collect()
}

fn inspect(json: &[u8], blobs: &[&[u8]]) -> Result<Value, WebError> {
    let form: AttachmentForm = parse(json)?;
    let bytes = blobs.first().ok_or_else(|| WebError::Request("no attachment given".into()))?;
    match strip_one(&form, bytes) {
        Ok((_, _, note)) => Ok(json!({ "attachment": note })),
        // Not an error for inspection: the page warns and offers to send it as it is.
        Err(WebError::Unstripped(name)) => Ok(json!({
            "attachment": {"name": name, "kind": "other", "removed": "", "sent_as_is": true},
            "warning": words().text("report-attach-unstripped-page"),
        })),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct SealForm {
    #[serde(flatten)]
    report: ReportForm,
    #[serde(default)]
    attachments: Vec<AttachmentForm>,
}

/// Blob 0 is the directory, blobs 1.. the attachments in the order of `attachments`.
fn seal(json: &[u8], blobs: &[&[u8]], writer: &mut FrameWriter) -> Result<Value, WebError> {
    let dir = verified(json, blobs)?;
    let form: SealForm = parse(json)?;
    let prepared = prepare(&form.attachments, &blobs[1..])?;
    let mut probe = [0u8; 1];
    if !crate::rng::fill(&mut probe) {
        return Err(WebError::NoRandomness);
    }
    let token = MailboxToken::generate();
    let today = Day::from_unix_seconds(form.report.now_unix);
    let composed = compose_report(&dir, &token, form.report.concern.clone(), &form.report.excluded, today)?;
    // The same check as the preview's, enforced here: the page cannot send past it unless the
    // reporter chose to.
    let conflicts = report_conflicts(&dir, &form.report.concern, composed.readers.reviewer_ids());
    if !conflicts.is_empty() && !form.report.keep_route {
        return Err(WebError::ReachesSubject(conflicts_message(&conflicts, &form.report.concern.subjects)));
    }
    seal_composed(&composed, &dir, &token, &prepared, writer)?;
    Ok(json!({
        "token": *token.to_words(),
        "sealed_to": readers_json(&composed, &dir),
        "attachments": prepared.iter().map(|(_, _, note)| note).collect::<Vec<_>>(),
    }))
}

/// Seals straight into the answer's first bytes part.
fn seal_composed(
    composed: &Composed,
    dir: &VerifiedDirectory,
    token: &MailboxToken,
    prepared: &[Prepared],
    writer: &mut FrameWriter,
) -> Result<(), WebError> {
    let plan = composed.plan(dir, token);
    let mut readers: Vec<&[u8]> = prepared.iter().map(|(_, bytes, _)| &bytes[..]).collect();
    let sources = prepared
        .iter()
        .zip(readers.iter_mut())
        .map(|((meta, bytes, _), reader)| AttachmentSource {
            meta: meta.clone(),
            len: bytes.len() as u64,
            reader: reader as &mut dyn std::io::Read,
        })
        .collect();
    writer.part_with(|buffer| plan.seal(sources, buffer).map(|_| ()))?;
    Ok(())
}

fn solve(json: &[u8]) -> Result<Value, WebError> {
    // The challenge is the relay's, read strictly; the page's `lang` beside it is not part of it.
    let mut request: Value = parse(json)?;
    if let Some(fields) = request.as_object_mut() {
        fields.remove("lang");
    }
    let challenge: Challenge = serde_json::from_value(request).map_err(|e| WebError::Request(e.to_string()))?;
    if challenge.difficulty > pow::MAX_DIFFICULTY {
        return Err(WebError::Pow(format!("difficulty {} is above the limit", challenge.difficulty)));
    }
    let solution = pow::solve(&challenge).map_err(|e| WebError::Pow(e.to_string()))?;
    Ok(json!({ "header": pow::HEADER, "value": solution.to_string() }))
}

#[derive(Deserialize)]
struct TokenRequest {
    token: String,
}

fn token(words: &str) -> Result<MailboxToken, WebError> {
    Ok(words.parse::<MailboxToken>()?)
}

/// Blob 0 is the directory, blobs 1.. the mailbox's envelopes in mailbox order.
fn open_replies(json: &[u8], blobs: &[&[u8]], writer: &mut FrameWriter) -> Result<Value, WebError> {
    let dir = verified(json, blobs)?;
    let req: TokenRequest = parse(json)?;
    let token = token(&req.token)?;
    let mut views = Vec::new();
    let mut warnings = Vec::new();
    for envelope in &blobs[1..] {
        match open_reply(&dir, &token, envelope) {
            Ok(reply) => views.push(reply),
            // The mailbox can hold envelopes this token cannot open only if the relay misfiled
            // them; they are not the reporter's concern.
            Err(ReplyError::CannotOpen) => {}
            Err(e) => warnings.push(candour_submit::words::reply_problem(words(), &e)),
        }
    }
    // The same signed message filed twice is shown once, and said.
    let repeats = drop_repeats(&mut views);
    if repeats > 0 {
        warnings.push(candour_submit::words::repeats(words(), repeats));
    }
    // A reader that had read less of what the reporter sent than a colleague before it.
    warnings.extend(candour_submit::words::seen_notes(words(), &views));
    let replies: Vec<Value> = views
        .iter()
        .map(|reply| {
            let attachments: Vec<Value> = reply
                .attachments
                .iter()
                .map(|(name, bytes)| json!({"name": name, "bytes": bytes.len(), "part": writer.part(bytes) + 1}))
                .collect();
            json!({
                "kind": match reply.kind { MessageKind::Reply => "reply", MessageKind::Receipt => "receipt" },
                "reviewer": reply.reviewer,
                "display_name": dir.reviewer(&reply.reviewer).map(|r| r.display_name.clone()),
                "supervisor": reply.role == Role::Supervisor,
                "queues": reply.queues,
                "day": reply.day_sent.to_string(),
                "text": reply.text,
                "thread_recipients": reply.thread_recipients,
                "seen": reply.seen.as_ref().map(|s| json!({"messages": s.messages, "newest_day": s.newest_day.to_string()})),
                "seen_line": candour_submit::words::seen_line(words(), reply),
                "attachments": attachments,
            })
        })
        .collect();
    // Who the next follow-up goes to: the report's own commitment, never one reviewer's word.
    let follow_up = match follow_up_readers(&dir, &token, &views) {
        FollowUpReaders::NotYetReceived => Value::Null,
        FollowUpReaders::Known(route) => json!({
            "readers": route.readers,
            "route": route.commitment,
            "notes": candour_submit::words::route_notes(words(), &route),
            "proposed": route.proposed.iter().map(|(added, by)| json!({"reviewer": added, "by": by})).collect::<Vec<_>>(),
            "refused_excluded": route.refused_excluded,
            "departed": route.departed,
            "last_seen": route.last_seen,
            "reader_changes": route.reader_changes,
        }),
    };
    Ok(json!({ "replies": replies, "warnings": warnings, "follow_up": follow_up }))
}

#[derive(Deserialize)]
struct FollowUpForm {
    now_unix: u64,
    token: String,
    text: String,
    /// The thread's readers, as `open_replies` gave them in `follow_up.readers`. Absent
    /// before any reviewer has received the report: then nothing can be sent.
    #[serde(default)]
    recipients: Option<Vec<String>>,
    /// The report's route commitment, as `open_replies` gave it in `follow_up.route`: checked
    /// against the token here, and every recipient must be one of its readers.
    #[serde(default)]
    route: Option<candour_core::commitment::RouteCommitment>,
    /// The newest reply the mailbox showed, as `open_replies` gave it in `follow_up.last_seen`.
    #[serde(default)]
    last_seen: Option<candour_core::commitment::Sha256Hex>,
    /// The reader changes (a transfer, an added reader) `open_replies` applied, as it gave
    /// them in `follow_up.reader_changes`: checked again here, and carried in the follow-up.
    #[serde(default)]
    reader_changes: Vec<candour_core::reader_change::ReaderChange>,
    /// Readers to leave out of this follow-up (it can only narrow, never add).
    #[serde(default)]
    exclude: Vec<String>,
    /// The reporter chose to send it even though it names one of its readers.
    #[serde(default)]
    keep_readers: bool,
    #[serde(default)]
    attachments: Vec<AttachmentForm>,
    #[serde(default)]
    dry_run: bool,
}

fn follow_up(json: &[u8], blobs: &[&[u8]], writer: &mut FrameWriter) -> Result<Value, WebError> {
    let dir = verified(json, blobs)?;
    let form: FollowUpForm = parse(json)?;
    let token = token(&form.token)?;
    let today = Day::from_unix_seconds(form.now_unix);
    // Exactly the report's readers: never routed afresh, which would forget its exclusions.
    let recipients = form.recipients.ok_or(WebError::NotYetReceived)?;
    let FollowUpAddress { readers: recipients, conflicts } =
        address_follow_up(&dir, recipients, &form.exclude, &form.text)?;
    let concern = Concern { what: form.text, ..Default::default() };
    let composed = compose_follow_up_after(&dir, &token, concern, recipients, form.route, form.reader_changes, today)?
        .with_last_seen(form.last_seen);
    let readers = readers_json(&composed, &dir);
    if form.dry_run {
        return Ok(json!({ "sealed_to": readers, "conflicts": conflicts_json(&conflicts, &[]) }));
    }
    if !conflicts.is_empty() && !form.keep_readers {
        return Err(WebError::ReachesSubject(conflicts_message(&conflicts, &[])));
    }
    let prepared = prepare(&form.attachments, &blobs[1..])?;
    seal_composed(&composed, &dir, &token, &prepared, writer)?;
    Ok(json!({
        "sealed_to": readers,
        "attachments": prepared.iter().map(|(_, _, note)| note).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candour_core::keys::RootSecretKey;

    #[test]
    fn the_compiled_threshold_counts_distinct_signing_roots() {
        assert_eq!(count_roots(" candour-root-a , candour-root-b,\n"), 2);
        assert_eq!(count_roots("candour-root-a\n"), 1);
        assert_eq!(count_roots(" , "), 0);
        assert_eq!(directory::parse_build_number("12"), 12);
        assert!(PINNED_THRESHOLD >= 1 && PINNED_THRESHOLD <= count_roots(PINNED_ROOTS));

        // A 2-of-2 page refuses a directory only one of its roots signed.
        let (a, b) = (RootSecretKey::generate(), RootSecretKey::generate());
        let unsigned = include_bytes!("../../../keys-example/directory.unsigned.json");
        let once = directory::sign(unsigned, &a).expect("sign");
        let roots = format!("{},{}", a.public(), b.public());
        let today = Day::from_unix_seconds(1_800_000_000);
        let policy = policy_for(&roots, 2, 1, today).expect("policy");
        let refused = directory::verify(&once, &policy).expect_err("one signature of two");
        assert_eq!(refused.code(), "below-threshold");
        let twice = directory::sign(&once, &b).expect("co-sign");
        assert!(directory::verify(&twice, &policy).is_ok());
        // The compiled minimum refuses an older directory.
        let newer_only = policy_for(&roots, 2, 1000, today).expect("policy");
        assert_eq!(directory::verify(&twice, &newer_only).map_err(|e| e.code()).err(), Some("rolled-back"));
    }
}
