//! Talking to the relay: the directory, proof of work, submission, and the mailbox.
//!
//! Every request goes through one `reqwest` client: HTTPS via rustls, or all of it through a
//! SOCKS5 proxy (`socks5h://`, so even DNS goes through Tor). The client sends no cookies and a
//! fixed, generic user agent, and it writes nothing to disk.

use std::time::Duration;

use candour_core::auth;
use candour_core::directory::{self, TrustPolicy, VerifiedDirectory};
use candour_core::pow::{self, Challenge, Solution};
use candour_core::token::MailboxId;
use candour_core::wire::MailboxAddress;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// Why talking to the relay failed. Each variant says what a reporter can do about it.
#[derive(Debug, thiserror::Error)]
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
    #[error("cannot reach the relay at {url}: {reason}. Check the address and your connection (and that Tor is running if you use --proxy)")]
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

/// The relay's error body.
#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

/// One entry of a listing.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's number.
    pub seq: u64,
    /// Its length in bytes.
    pub len: u64,
}

#[derive(Deserialize)]
struct Page {
    entries: Vec<Entry>,
    next: Option<u64>,
}

/// The secret mailbox id travels as hex in this request (`to_hex` writes it into one buffer,
/// with no temporaries). The hex is wiped when the request is dropped; the serialised body the HTTP client sends is its own copy, which it does not wipe.
#[derive(Serialize)]
struct MailboxRequest {
    mailbox_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
}

impl MailboxRequest {
    fn new(id: &MailboxId, after: Option<u64>, seq: Option<u64>) -> Self {
        MailboxRequest { mailbox_id: candour_core::wire::to_hex(id.expose_secret()), after, seq }
    }
}

impl Drop for MailboxRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.mailbox_id);
    }
}

/// A connection to one relay.
#[derive(Clone, Debug)]
pub struct RelayClient {
    http: reqwest::Client,
    base: String,
    /// The relay's address as the verified directory gives it: what reviewer requests are
    /// signed for (`candour_core::auth`). Shared by clones.
    binding: std::sync::Arc<std::sync::RwLock<Option<String>>>,
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
        Ok(RelayClient { http, base, binding: Default::default() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: &str) -> Result<reqwest::Response, ClientError> {
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Unreachable { url: url.to_owned(), reason: error_chain(&e) })?;
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
    async fn bytes(&self, request: reqwest::RequestBuilder, url: &str, limit: u64) -> Result<Vec<u8>, ClientError> {
        let response = self.send(request, url).await?;
        read_limited(response, url, limit).await
    }

    /// An unauthenticated `GET` of a small JSON document (the relay's policy, say).
    pub async fn get_json(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path);
        self.bytes(self.http.get(&url), &url, MAX_ANSWER_BYTES).await
    }

    /// Fetches the directory and verifies it against the pinned policy; refuses if it fails.
    pub async fn directory(&self, policy: &TrustPolicy) -> Result<VerifiedDirectory, ClientError> {
        let url = self.url("/v1/directory");
        let served = self.bytes(self.http.get(&url), &url, MAX_ANSWER_BYTES).await?;
        let verified = directory::verify(&served, policy)?;
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

    /// Asks for a proof-of-work challenge admitting an envelope of at most `max_bytes` and
    /// solves it (on a blocking thread: about a second for a report, more for large
    /// attachments, whose work the relay prices by size).
    pub async fn solve_challenge(&self, max_bytes: u64) -> Result<Solution, ClientError> {
        let url = self.url("/v1/inbox/challenge");
        let request = pow::ChallengeRequest { max_bytes };
        let body = self.bytes(self.http.post(&url).json(&request), &url, MAX_ANSWER_BYTES).await?;
        let challenge: Challenge = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        if challenge.difficulty > pow::MAX_DIFFICULTY {
            return Err(ClientError::Pow(challenge.difficulty));
        }
        if challenge.max_bytes < max_bytes {
            return Err(ClientError::Protocol("the relay's challenge admits fewer bytes than asked for".into()));
        }
        tokio::task::spawn_blocking(move || pow::solve(&challenge))
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?
            .map_err(|e| ClientError::Protocol(e.to_string()))
    }

    /// Submits an envelope to the inbox with a solved challenge. Returns once the relay has
    /// stored it durably.
    pub async fn submit(&self, solution: &Solution, body: reqwest::Body) -> Result<(), ClientError> {
        let url = self.url("/v1/inbox");
        self.send(
            self.http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .header(pow::HEADER, solution.to_string())
                .body(body),
            &url,
        )
        .await?;
        Ok(())
    }

    /// Lists the mailbox's entries after `after`, presenting the secret mailbox id.
    pub async fn mailbox_list(
        &self,
        id: &MailboxId,
        after: Option<u64>,
    ) -> Result<(Vec<Entry>, Option<u64>), ClientError> {
        let url = self.url("/v1/mailbox/list");
        let request = MailboxRequest::new(id, after, None);
        let body = self.bytes(self.http.post(&url).json(&request), &url, MAX_ANSWER_BYTES).await?;
        let page: Page = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok((page.entries, page.next))
    }

    /// Every entry in the mailbox, following the cursor.
    pub async fn mailbox_all(&self, id: &MailboxId) -> Result<Vec<Entry>, ClientError> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let (entries, next) = self.mailbox_list(id, after).await?;
            if entries.is_empty() {
                return Ok(all);
            }
            all.extend(entries);
            match next {
                Some(n) if Some(n) != after => after = Some(n),
                _ => return Ok(all),
            }
        }
    }

    /// Reads one mailbox entry.
    pub async fn mailbox_read(&self, id: &MailboxId, seq: u64) -> Result<Vec<u8>, ClientError> {
        let url = self.url("/v1/mailbox/read");
        let request = MailboxRequest::new(id, None, Some(seq));
        self.bytes(self.http.post(&url).json(&request), &url, MAX_MAILBOX_ENTRY_BYTES).await
    }

    /// A request signed by a reviewer's key (`candour_core::auth`): every reviewer call of
    /// the relay goes through here, with one error handling. `content_type` is sent only with
    /// a body. Returns the successful response, its body not yet read.
    async fn reviewer_send(
        &self,
        key: &SigningKey,
        method: reqwest::Method,
        path_and_query: &str,
        body: Vec<u8>,
        content_type: &str,
        unix_now: u64,
    ) -> Result<(reqwest::Response, String), ClientError> {
        let relay = self.binding.read().ok().and_then(|b| b.clone()).ok_or(ClientError::Unbound)?;
        let once = |timestamp: u64| {
            let url = self.url(path_and_query);
            // The body's length and digest are signed and sent in the head, so the relay can
            // refuse a bad request before reading the body.
            let signed = auth::sign_request(key, &relay, method.as_str(), path_and_query, &body, timestamp);
            let mut request = self.http.request(method.clone(), &url);
            if !body.is_empty() {
                request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(body.clone());
            }
            for (name, value) in signed.to_header_values() {
                request = request.header(name, value);
            }
            async move { self.send(request, &url).await.map(|r| (r, url)) }
        };
        match once(unix_now).await {
            // The relay restarted in the second this was signed (it refuses such requests, which
            // could be replays from before the restart): sign again a second later.
            Err(ClientError::Relay { code, .. }) if code == "signed-before-start" => {
                tokio::time::sleep(Duration::from_millis(1100)).await;
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(unix_now + 1, |d| d.as_secs())
                    .max(unix_now + 1);
                once(now).await
            }
            other => other,
        }
    }

    /// A signed request as a reviewer; returns the answer's body (at most
    /// [`MAX_ANSWER_BYTES`]).
    pub async fn reviewer_request(
        &self,
        key: &SigningKey,
        method: reqwest::Method,
        path_and_query: &str,
        body: Vec<u8>,
        content_type: &str,
        unix_now: u64,
    ) -> Result<Vec<u8>, ClientError> {
        let (response, url) = self.reviewer_send(key, method, path_and_query, body, content_type, unix_now).await?;
        read_limited(response, &url, MAX_ANSWER_BYTES).await
    }

    /// A signed `GET` as a reviewer (inbox and case-stream listings and reads).
    pub async fn reviewer_get(
        &self,
        key: &SigningKey,
        path_and_query: &str,
        unix_now: u64,
    ) -> Result<Vec<u8>, ClientError> {
        self.reviewer_request(key, reqwest::Method::GET, path_and_query, Vec::new(), "", unix_now).await
    }

    /// A signed `GET` as a reviewer whose body is read as it arrives (an entry of any size):
    /// the response, and the URL for error messages.
    pub async fn reviewer_get_streamed(
        &self,
        key: &SigningKey,
        path_and_query: &str,
        unix_now: u64,
    ) -> Result<(reqwest::Response, String), ClientError> {
        self.reviewer_send(key, reqwest::Method::GET, path_and_query, Vec::new(), "", unix_now).await
    }

    /// Appends a sealed reply to a mailbox, as a reviewer (signed request).
    pub async fn reviewer_mailbox_append(
        &self,
        key: &SigningKey,
        mailbox: &MailboxAddress,
        envelope: Vec<u8>,
        unix_now: u64,
    ) -> Result<(), ClientError> {
        let path = format!("/v1/mailboxes/{mailbox}");
        self.reviewer_request(key, reqwest::Method::POST, &path, envelope, "application/octet-stream", unix_now)
            .await?;
        Ok(())
    }
}

/// A response's body, refused as soon as it passes `limit` bytes.
async fn read_limited(mut response: reqwest::Response, url: &str, limit: u64) -> Result<Vec<u8>, ClientError> {
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

/// The error and its causes, for a message a person can act on.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}
