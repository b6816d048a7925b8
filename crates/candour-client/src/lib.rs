//! The relay client: one transport for both roles, a reporter half ([`reporter`]: proof of work,
//! submission, the mailbox) and a signed reviewer half ([`reviewer`]: the inbox, case streams,
//! replies). Paths and bodies are the relay's contract in [`candour_core::api`].
//!
//! Every request goes through one `reqwest` client: HTTPS via rustls, or all of it through a
//! SOCKS5 proxy (`socks5h://`, so even DNS goes through Tor). The client sends no cookies and a
//! fixed, generic user agent, and it writes nothing to disk. Every answer is read with a limit,
//! so a hostile relay cannot make a client hold more than the protocol sends there.
#![forbid(unsafe_code)]

pub mod clock;
pub mod reporter;
pub mod reviewer;

use std::time::Duration;

use candour_core::api::{route, ErrorBody};
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::Day;

/// Why talking to the relay failed. Each variant says what a reporter can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The relay address is not a usable URL, or the proxy setting is wrong.
    #[error("bad relay or proxy address: {0}")]
    Address(String),
    /// A `.onion` relay without a SOCKS proxy that resolves names itself: the name would go to
    /// this computer's resolver, and so to whoever runs its DNS (the force, perhaps).
    #[error(
        "{0} is a Tor onion service: it can only be reached through Tor, with a proxy that looks names up itself \
         (socks5h://127.0.0.1:9050, say); nothing was sent and the name was not looked up"
    )]
    OnionWithoutTor(String),
    /// The relay could not be reached (network down, wrong address, Tor not running).
    #[error("cannot reach the relay at {url}: {reason}. Check the address and your connection (and that Tor is running, if you connect through it)")]
    Unreachable {
        /// The URL tried.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The relay answered with an error.
    #[error("the relay refused the request ({status} {code}): {message}")]
    Relay {
        /// HTTP status.
        status: u16,
        /// The relay's stable error code.
        code: String,
        /// The relay's message.
        message: String,
    },
    /// The directory failed verification: nothing is sent.
    #[error("the relay's key directory failed verification, so nothing was sent: {0}")]
    Directory(#[from] directory::DirectoryError),
    /// The relay asked for unreasonable proof of work.
    #[error("the relay asked for proof of work of difficulty {0}, more than this client will do")]
    Pow(u8),
    /// The relay's answer was not what the protocol says.
    #[error("the relay's answer was malformed: {0}")]
    Protocol(String),
    /// The relay's answer is longer than anything the protocol sends there: a hostile or broken
    /// relay. Nothing of it is kept.
    #[error("the relay's answer to {url} is longer than the {limit} bytes this client accepts there")]
    TooLarge {
        /// The URL asked.
        url: String,
        /// The most accepted.
        limit: u64,
    },
    /// A reviewer request before the client knows which relay it is signing for.
    #[error("a reviewer request needs the verified directory first: it names the relay the request is signed for")]
    Unbound,
}

impl ClientError {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Address(_) => "bad-address",
            ClientError::OnionWithoutTor(_) => "onion-without-tor",
            ClientError::Unreachable { .. } => "unreachable",
            ClientError::Relay { .. } => "relay-refused",
            ClientError::Unbound => "unbound-request",
            ClientError::Directory(_) => "directory-invalid",
            ClientError::Pow(_) => "pow-too-hard",
            ClientError::Protocol(_) => "protocol",
            ClientError::TooLarge { .. } => "answer-too-large",
        }
    }
}

/// The most a JSON answer, a listing page or the answer to a signed request may hold (a
/// national directory is a few MiB): a hostile relay cannot make a client hold more.
pub const MAX_ANSWER_BYTES: u64 = 16 << 20;
/// The most a mailbox entry may be: replies and receipts are documents (at most 1 MiB before
/// padding), never attachments.
pub const MAX_MAILBOX_ENTRY_BYTES: u64 = 4 << 20;

/// A connection to one relay.
#[derive(Clone, Debug)]
pub struct RelayClient {
    pub(crate) http: reqwest::Client,
    base: String,
    /// The relay's address as the verified directory gives it: what reviewer requests are
    /// signed for (`candour_core::auth`). Shared by clones.
    pub(crate) binding: std::sync::Arc<std::sync::RwLock<Option<String>>>,
    /// The day on the relay's clock, from the `Date` header of its latest answer: what a
    /// reviewer's device checks its own day against before dating an event. Shared by clones.
    relay_day: std::sync::Arc<std::sync::RwLock<Option<Day>>>,
}

/// A generic user agent: the relay ignores it, but a network observer should not learn the
/// client's version.
const USER_AGENT: &str = "candour";

impl RelayClient {
    /// A client for the relay at `base` (e.g. `https://candour.example.police.uk`), optionally
    /// through a proxy such as `socks5h://127.0.0.1:9050`.
    pub fn new(base: &str, proxy: Option<&str>) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base).map_err(|e| ClientError::Address(format!("{base}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Address(format!("{base}: only http and https relays")));
        }
        // Decided before any client exists, so a refused onion name is never looked up.
        let onion = parsed.host_str().is_some_and(|h| h.trim_end_matches('.').to_ascii_lowercase().ends_with(".onion"));
        if onion && !proxy.is_some_and(|p| p.trim().to_ascii_lowercase().starts_with("socks5h://")) {
            return Err(ClientError::OnionWithoutTor(base));
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(60))
            .timeout(Duration::from_secs(3600));
        if let Some(proxy) = proxy {
            let p = reqwest::Proxy::all(proxy).map_err(|e| ClientError::Address(format!("proxy {proxy}: {e}")))?;
            builder = builder.proxy(p);
        } else {
            // Never pick up a proxy from the environment silently: the reporter chooses.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ClientError::Address(e.to_string()))?;
        Ok(RelayClient { http, base, binding: Default::default(), relay_day: Default::default() })
    }

    /// The relay's day as its latest answer gave it, if any answer carried a `Date` header.
    pub fn relay_day(&self) -> Option<Day> {
        self.relay_day.read().ok().and_then(|d| *d)
    }

    fn note_relay_day(&self, response: &reqwest::Response) {
        let day = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| Day::from_unix_seconds(d.as_secs()));
        if let (Some(day), Ok(mut slot)) = (day, self.relay_day.write()) {
            *slot = Some(day);
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<reqwest::Response, ClientError> {
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Unreachable { url: url.to_owned(), reason: error_chain(&e) })?;
        self.note_relay_day(&response);
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        match response.json::<ErrorBody>().await {
            Ok(body) => Err(ClientError::Relay { status, code: body.code, message: body.message }),
            Err(_) => Err(ClientError::Relay { status, code: "unknown".into(), message: "no error details".into() }),
        }
    }

    /// The answer's body, refused as soon as it passes `limit` bytes.
    pub(crate) async fn bytes(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        limit: u64,
    ) -> Result<Vec<u8>, ClientError> {
        let response = self.send(request, url).await?;
        read_limited(response, url, limit).await
    }

    /// An unauthenticated `GET` of a small JSON document (the relay's policy, say).
    pub async fn get_json(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path);
        self.bytes(self.http.get(&url), &url, MAX_ANSWER_BYTES).await
    }

    /// Fetches the directory of this client's force, the one its pinned roots signed, and
    /// verifies it against the policy; refuses if it fails.
    ///
    /// It fetches every force's directory (`/v1/directories`) and picks its own on the device
    /// (`directory::pick`), so the request is the same whichever force the caller belongs to
    /// (docs/design.md §5 "Many forces, one relay"). A relay that predates that route (it answers 404) serves one
    /// directory at `/v1/directory`.
    pub async fn directory(&self, policy: &TrustPolicy) -> Result<VerifiedDirectory, ClientError> {
        let url = self.url(route::DIRECTORIES);
        let verified = match self.bytes(self.http.get(&url), &url, MAX_ANSWER_BYTES).await {
            Ok(bundle) => directory::pick(&bundle, policy)?.1,
            Err(ClientError::Relay { status: 404, .. }) => {
                let url = self.url(route::DIRECTORY);
                let served = self.bytes(self.http.get(&url), &url, MAX_ANSWER_BYTES).await?;
                directory::verify(&served, policy)?
            }
            Err(e) => return Err(e),
        };
        self.bind(&verified);
        Ok(verified)
    }

    /// One file of a page served under this client's address (`candour page verify`), at most
    /// `max_bytes` long.
    pub async fn page_file(&self, path: &str, max_bytes: u64) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path);
        self.bytes(self.http.get(&url), &url, max_bytes).await
    }

    /// Signs reviewer requests for the relay `dir` names (done by [`RelayClient::directory`];
    /// a caller holding a verified directory from elsewhere binds with it). A request signed for
    /// one relay is refused by every other.
    pub fn bind(&self, dir: &VerifiedDirectory) {
        if let Ok(mut binding) = self.binding.write() {
            *binding = Some(dir.directory().relay.https.clone());
        }
    }
}

/// A response's body, refused as soon as it passes `limit` bytes.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    url: &str,
    limit: u64,
) -> Result<Vec<u8>, ClientError> {
    let too_large = || ClientError::TooLarge { url: url.to_owned(), limit };
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(piece) = response.chunk().await.map_err(|e| transfer_failed(url, &e))? {
        if (out.len() + piece.len()) as u64 > limit {
            return Err(too_large());
        }
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

/// A body that stopped arriving.
pub fn transfer_failed(url: &str, e: &reqwest::Error) -> ClientError {
    ClientError::Unreachable { url: url.to_owned(), reason: error_chain(e) }
}

/// The error and its causes, for a message a person can act on: each said once. A cause whose
/// words are already in what its wrappers said (many errors repeat their source in their own
/// message) is left out, so nobody reads "the upload stopped: the upload stopped".
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut said = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !said.contains(&text) {
            said.push_str(": ");
            said.push_str(&text);
        }
        source = cause.source();
    }
    said
}

#[cfg(test)]
mod tests {
    /// An error that says its cause in its own words, as many wrappers do.
    #[derive(Debug, thiserror::Error)]
    #[error("{said}")]
    struct Wrapper {
        said: String,
        #[source]
        cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    }

    fn wrap(said: &str, cause: Option<Wrapper>) -> Wrapper {
        Wrapper { said: said.into(), cause: cause.map(|c| Box::new(c) as Box<dyn std::error::Error + Send + Sync>) }
    }

    #[test]
    fn every_cause_is_said_once() {
        let os = wrap("No such file or directory (os error 2)", None);
        let repeated = wrap("network: No such file or directory (os error 2)", Some(os));
        assert_eq!(super::error_chain(&repeated), "network: No such file or directory (os error 2)");
        let stopped = wrap("the upload stopped", Some(wrap("the upload stopped", None)));
        assert_eq!(super::error_chain(&stopped), "the upload stopped");
        let new_words = wrap("opening the key file", Some(wrap("permission denied", None)));
        assert_eq!(super::error_chain(&new_words), "opening the key file: permission denied");
    }
}
