//! The relay's HTTP contract: every route, and every JSON body a request or an answer carries.
//!
//! The relay mounts its routes from [`route`], serves these types, and describes them in its
//! OpenAPI document; the reporter's and the reviewer's clients build their paths with the
//! functions here and read the same types back. One definition, so the three cannot drift
//! apart (a test in the relay checks the OpenAPI document names every route and type here).
//! Serde only: no I/O, so the page's module can use it too.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::wire::{CaseStreamId, MailboxAddress};
use crate::Day;

pub use crate::pow::{Challenge, ChallengeRequest};

/// The route templates, as the relay mounts them (`{name}` is a path parameter).
pub mod route {
    /// Liveness: the process answers.
    pub const HEALTHZ: &str = "/healthz";
    /// Readiness: the store takes a durable write now.
    pub const READYZ: &str = "/readyz";
    /// The OpenAPI document.
    pub const OPENAPI: &str = "/v1/openapi.json";
    /// The signed key directory, byte for byte: the relay's first force's
    /// ([`super::DirectoryBundle`] holds every force's).
    pub const DIRECTORY: &str = "/v1/directory";
    /// Every force's signed directory ([`super::DirectoryBundle`]): one answer for everyone, so
    /// fetching it says nothing about which force a client belongs to.
    pub const DIRECTORIES: &str = "/v1/directories";
    /// The relay's public policy ([`super::Policy`]).
    pub const POLICY: &str = "/v1/policy";
    /// A proof-of-work challenge ([`super::ChallengeRequest`] in, [`super::Challenge`] out).
    pub const CHALLENGE: &str = "/v1/inbox/challenge";
    /// The inbox: anyone submits (POST, with proof of work); reviewers list it (signed GET).
    pub const INBOX: &str = "/v1/inbox";
    /// One inbox entry (signed GET).
    pub const INBOX_ENTRY: &str = "/v1/inbox/{seq}";
    /// A case stream: reviewers append and list (signed).
    pub const CASE: &str = "/v1/cases/{stream}";
    /// One case event (signed GET).
    pub const CASE_ENTRY: &str = "/v1/cases/{stream}/{seq}";
    /// A reporter's mailbox, by address: reviewers append replies and receipts (signed).
    pub const MAILBOX: &str = "/v1/mailboxes/{address}";
    /// The token holder lists their mailbox ([`super::MailboxRequest`]).
    pub const MAILBOX_LIST: &str = "/v1/mailbox/list";
    /// The token holder reads one entry of their mailbox ([`super::MailboxRequest`]).
    pub const MAILBOX_READ: &str = "/v1/mailbox/read";
}

/// Who may call a route, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// Anyone, unauthenticated.
    Anyone,
    /// Anyone with a solved proof-of-work challenge (`candour-pow` header).
    ProofOfWork,
    /// A reviewer key from the directory, signing the request ([`crate::auth`]).
    Reviewer,
    /// The holder of a mailbox token, presenting the secret mailbox id in the body.
    TokenHolder,
}

/// Every route and method the relay's API answers, with who may call it: the relay's router,
/// its OpenAPI document and its tests are checked against this list.
pub const ROUTES: [(&str, &str, Caller); 16] = [
    ("GET", route::HEALTHZ, Caller::Anyone),
    ("GET", route::READYZ, Caller::Anyone),
    ("GET", route::OPENAPI, Caller::Anyone),
    ("GET", route::DIRECTORY, Caller::Anyone),
    ("GET", route::DIRECTORIES, Caller::Anyone),
    ("GET", route::POLICY, Caller::Anyone),
    ("POST", route::CHALLENGE, Caller::Anyone),
    ("POST", route::INBOX, Caller::ProofOfWork),
    ("GET", route::INBOX, Caller::Reviewer),
    ("GET", route::INBOX_ENTRY, Caller::Reviewer),
    ("POST", route::CASE, Caller::Reviewer),
    ("GET", route::CASE, Caller::Reviewer),
    ("GET", route::CASE_ENTRY, Caller::Reviewer),
    ("POST", route::MAILBOX, Caller::Reviewer),
    ("POST", route::MAILBOX_LIST, Caller::TokenHolder),
    ("POST", route::MAILBOX_READ, Caller::TokenHolder),
];

/// The most entries one listing page holds (`limit`), and what a mailbox listing returns.
pub const MAX_PAGE: usize = 1000;
/// The entries a listing page holds when the request names no `limit`.
pub const DEFAULT_PAGE: usize = 100;

/// The path of one inbox entry.
pub fn inbox_entry(seq: Seq) -> String {
    format!("/v1/inbox/{seq}")
}

/// The path of a case stream.
pub fn case(stream: &CaseStreamId) -> String {
    format!("/v1/cases/{stream}")
}

/// The path of one case event.
pub fn case_entry(stream: &CaseStreamId, seq: Seq) -> String {
    format!("/v1/cases/{stream}/{seq}")
}

/// The path a reviewer appends to a reporter's mailbox at.
pub fn mailbox(address: &MailboxAddress) -> String {
    format!("/v1/mailboxes/{address}")
}

/// A listing path with its query: entries after `after` (all if `None`), at most `limit`.
pub fn listing(path: &str, after: Option<Seq>, limit: Option<usize>) -> String {
    match (after, limit) {
        (None, None) => path.to_owned(),
        (Some(after), None) => format!("{path}?after={after}"),
        (None, Some(limit)) => format!("{path}?limit={limit}"),
        (Some(after), Some(limit)) => format!("{path}?after={after}&limit={limit}"),
    }
}

/// An entry's number in its place (the inbox, a case stream or a mailbox number their entries
/// each on their own): the cursor for listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

impl std::fmt::Display for Seq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a listing says about one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInfo {
    /// The entry's number in its place.
    pub seq: Seq,
    /// Its length in bytes.
    pub len: u64,
    /// Its number of chunks as stored.
    pub chunks: u32,
    /// The day it will be removed: the end of its arrival epoch plus the retention period.
    pub expires: Day,
}

/// A page of entries and the cursor for the next page.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct EntryPage {
    /// The entries, in order.
    pub entries: Vec<EntryInfo>,
    /// Pass as `after` to continue; absent when there was nothing new.
    pub next: Option<Seq>,
}

/// The body of a successful signed append.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The new entry's number in its place.
    pub seq: Seq,
    /// The day the relay will remove it (its epoch's expiry, the same for everything that
    /// arrived in that epoch).
    pub expires: Day,
}

/// The body of a successful submission. It carries no entry number: a reporter has no use for
/// one, and it would be one more thing to link.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Stored {
    /// Always `stored`.
    pub status: String,
}

impl Stored {
    /// The one answer a submission gets.
    pub fn new() -> Self {
        Stored { status: "stored".to_owned() }
    }
}

impl Default for Stored {
    fn default() -> Self {
        Stored::new()
    }
}

/// The answer of `/healthz` and `/readyz`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// `ok` (alive) or `ready` (ready for reports).
    pub status: String,
}

/// The `format` of a [`DirectoryBundle`].
pub const DIRECTORY_BUNDLE_FORMAT: &str = "candour-directories/1";

/// The most directories one bundle may hold: a relay refuses to start with more, a client
/// refuses a bigger bundle (so a hostile relay cannot make it verify without end).
pub const MAX_BUNDLE_DIRECTORIES: usize = 256;

/// Every force's signed directory, as one relay serves them (`GET /v1/directories`;
/// docs/design.md §5 "Many forces, one relay"). Each entry is a served directory's exact
/// text, so its signatures verify on the bytes as signed; a client keeps the one its pinned
/// roots signed (`directory::pick`). Everyone fetches the same bundle, so the request tells
/// nobody watching the relay which force the reporter or reviewer belongs to.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DirectoryBundle {
    /// Always [`DIRECTORY_BUNDLE_FORMAT`].
    pub format: String,
    /// The served directories, the relay's first force first.
    pub directories: Vec<String>,
}

/// The relay's public policy (`GET /v1/policy`): what every client may rely on.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Days every entry is kept after the end of its arrival epoch.
    pub retention_days: u32,
    /// Days per retention epoch.
    pub retention_epoch_days: u32,
    /// The constant stanza count every envelope must have (every served directory's: one
    /// count for all the relay's forces).
    pub stanzas: usize,
    /// The largest upload accepted.
    pub max_upload_bytes: u64,
    /// Proof-of-work difficulty for the first unit of size.
    pub pow_difficulty: u8,
    /// Bytes one unit of proof of work buys; each doubling of size adds a bit.
    pub pow_bytes_per_unit: u64,
}

/// What the token holder sends to list (`after`) or read (`seq`) their mailbox. The secret
/// mailbox id travels as 64 hex digits; the relay hashes it into the address and forgets it.
/// The hex is wiped when this is dropped (a serialised copy is the HTTP client's own).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MailboxRequest {
    /// The secret mailbox id, 64 hex digits.
    pub mailbox_id: String,
    /// For listing: the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Seq>,
    /// For reading: the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<Seq>,
}

impl MailboxRequest {
    /// A request for the mailbox of `id`, written as hex into one buffer with no temporaries.
    pub fn new(id: &crate::token::MailboxId, after: Option<Seq>, seq: Option<Seq>) -> Self {
        MailboxRequest { mailbox_id: crate::wire::to_hex(id.expose_secret()), after, seq }
    }
}

impl std::fmt::Debug for MailboxRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxRequest").field("after", &self.after).field("seq", &self.seq).finish_non_exhaustive()
    }
}

impl Drop for MailboxRequest {
    fn drop(&mut self) {
        self.mailbox_id.zeroize();
    }
}

/// Every error the relay answers: a stable code and a message for people.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The stable, machine-readable code.
    pub code: String,
    /// What went wrong, in plain words.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fill_their_templates() {
        let stream: CaseStreamId = "ab".repeat(32).parse().expect("id");
        let address: MailboxAddress = "cd".repeat(32).parse().expect("address");
        assert_eq!(inbox_entry(Seq(7)), route::INBOX_ENTRY.replace("{seq}", "7"));
        assert_eq!(case(&stream), route::CASE.replace("{stream}", &"ab".repeat(32)));
        assert_eq!(
            case_entry(&stream, Seq(3)),
            route::CASE_ENTRY.replace("{stream}", &"ab".repeat(32)).replace("{seq}", "3")
        );
        assert_eq!(mailbox(&address), route::MAILBOX.replace("{address}", &"cd".repeat(32)));
        assert_eq!(listing(route::INBOX, None, None), "/v1/inbox");
        assert_eq!(listing(route::INBOX, Some(Seq(4)), None), "/v1/inbox?after=4");
        assert_eq!(listing(route::INBOX, None, Some(1)), "/v1/inbox?limit=1");
        assert_eq!(listing(route::INBOX, Some(Seq(4)), Some(1)), "/v1/inbox?after=4&limit=1");
    }

    #[test]
    fn the_mailbox_request_leaves_out_what_it_does_not_ask_and_never_prints_the_id() {
        let id = crate::token::MailboxId::from_bytes([9; 32]);
        let listing = MailboxRequest::new(&id, Some(Seq(2)), None);
        let json = serde_json::to_value(&listing).expect("json");
        assert_eq!(json, serde_json::json!({"mailbox_id": "09".repeat(32), "after": 2}));
        assert!(!format!("{listing:?}").contains("0909"), "Debug shows the secret id");
        let parsed: MailboxRequest = serde_json::from_value(json).expect("parses");
        assert_eq!(parsed, listing);
        assert!(serde_json::from_str::<MailboxRequest>(r#"{"mailbox_id":"00","extra":1}"#).is_err());
    }

    #[test]
    fn every_route_is_listed_once_per_method() {
        let mut seen = std::collections::BTreeSet::new();
        for (method, path, _) in ROUTES {
            assert!(seen.insert((method, path)), "{method} {path} listed twice");
            assert!(path.starts_with('/'), "{path}");
        }
    }
}
