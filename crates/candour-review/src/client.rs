//! The reviewer's relay access: signed reads of the inbox and case streams, signed appends to
//! case streams and mailboxes.
//!
//! Every signed request goes through [`RelayClient::reviewer_request`] (one transport and one
//! handling of the relay's errors for both roles). Requests carry the
//! reviewer's real clock (the relay refuses stale signatures); the triage clocks are separate
//! and injected.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use candour_core::directory::{TrustPolicy, VerifiedDirectory};
use candour_core::wire::{CaseStreamId, MailboxAddress};
use candour_core::Day;
use candour_submit::client::{ClientError, RelayClient};
use ed25519_dalek::SigningKey;
use serde::Deserialize;

/// One relay listing entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct ListedEntry {
    /// The entry number.
    pub seq: u64,
    /// Its length in bytes.
    pub len: u64,
    /// The day the relay will remove it.
    #[serde(default)]
    pub expires: Option<Day>,
}

/// The relay's public policy (`GET /v1/policy`), as far as a reviewer's tool needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct RelayPolicy {
    /// Days every entry is kept after the end of its arrival epoch.
    pub retention_days: u32,
    /// Days per retention epoch.
    pub retention_epoch_days: u32,
}

#[derive(Deserialize)]
struct Page {
    entries: Vec<ListedEntry>,
    next: Option<u64>,
}

#[derive(Deserialize)]
struct Appended {
    seq: u64,
    #[serde(default)]
    expires: Option<Day>,
}

/// The most entries the relay returns per listing page.
const PAGE: usize = 1000;

/// Unix seconds now, for request signatures.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A reviewer's connection to one relay.
#[derive(Clone, Debug)]
pub struct ReviewClient {
    relay: RelayClient,
}

impl ReviewClient {
    /// A client for the relay at `base`, optionally through a proxy (e.g. Tor).
    pub fn new(base: &str, proxy: Option<&str>) -> Result<ReviewClient, ClientError> {
        // One transport for both roles: generic user agent, bounded waits, a proxy only when
        // asked for, and one handling of the relay's error bodies.
        Ok(ReviewClient { relay: RelayClient::new(base, proxy)? })
    }

    /// The reporter-side client (directory, mailbox).
    pub fn relay(&self) -> &RelayClient {
        &self.relay
    }

    /// Fetches and verifies the directory against the pinned policy.
    pub async fn directory(&self, policy: &TrustPolicy) -> Result<VerifiedDirectory, ClientError> {
        self.relay.directory(policy).await
    }

    async fn list(&self, key: &SigningKey, path: &str, after: Option<u64>) -> Result<Vec<ListedEntry>, ClientError> {
        let mut all = Vec::new();
        let mut after = after;
        loop {
            let query = match after {
                Some(a) => format!("{path}?after={a}&limit={PAGE}"),
                None => format!("{path}?limit={PAGE}"),
            };
            let body = self.relay.reviewer_get(key, &query, unix_now()).await?;
            let page: Page = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
            let full = page.entries.len() == PAGE;
            all.extend(page.entries);
            match page.next {
                Some(n) if full && Some(n) != after => after = Some(n),
                _ => return Ok(all),
            }
        }
    }

    /// Inbox entries after `after`.
    pub async fn inbox_list(&self, key: &SigningKey, after: Option<u64>) -> Result<Vec<ListedEntry>, ClientError> {
        self.list(key, "/v1/inbox", after).await
    }

    /// One inbox entry's bytes, as they arrive (see [`EntryReader`]).
    pub fn inbox_stream(&self, key: &SigningKey, entry: ListedEntry) -> EntryReader {
        EntryReader::start(self.relay.clone(), key.clone(), format!("/v1/inbox/{}", entry.seq), entry.len)
    }

    /// One inbox entry's listing (its length), if the relay still has it.
    pub async fn inbox_entry(&self, key: &SigningKey, seq: u64) -> Result<Option<ListedEntry>, ClientError> {
        let query = match seq.checked_sub(1) {
            Some(after) => format!("/v1/inbox?after={after}&limit=1"),
            None => "/v1/inbox?limit=1".to_owned(),
        };
        let body = self.relay.reviewer_get(key, &query, unix_now()).await?;
        let page: Page = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(page.entries.into_iter().find(|e| e.seq == seq))
    }

    /// Every entry of a case stream.
    pub async fn case_list(&self, key: &SigningKey, stream: &CaseStreamId) -> Result<Vec<ListedEntry>, ClientError> {
        self.list(key, &format!("/v1/cases/{stream}"), None).await
    }

    /// One case-stream entry's bytes (an event: small, and refused past
    /// [`candour_submit::client::MAX_ANSWER_BYTES`]).
    pub async fn case_read(&self, key: &SigningKey, stream: &CaseStreamId, seq: u64) -> Result<Vec<u8>, ClientError> {
        self.relay.reviewer_get(key, &format!("/v1/cases/{stream}/{seq}"), unix_now()).await
    }

    async fn signed(
        &self,
        key: &SigningKey,
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ClientError> {
        self.relay.reviewer_request(key, method, path, body, "application/octet-stream", unix_now()).await
    }

    /// The relay's retention policy.
    pub async fn policy(&self) -> Result<RelayPolicy, ClientError> {
        let body = self.relay.get_json("/v1/policy").await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))
    }

    /// Appends a sealed case event; returns its entry number and the day the relay will remove
    /// it, once the relay has stored it.
    pub async fn case_append(
        &self,
        key: &SigningKey,
        stream: &CaseStreamId,
        envelope: Vec<u8>,
    ) -> Result<(u64, Option<Day>), ClientError> {
        let body = self.signed(key, reqwest::Method::POST, &format!("/v1/cases/{stream}"), envelope).await?;
        let appended: Appended = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok((appended.seq, appended.expires))
    }

    /// Appends a sealed reply to the reporter's mailbox (the relay opens it on first append).
    pub async fn mailbox_append(
        &self,
        key: &SigningKey,
        mailbox: &MailboxAddress,
        envelope: Vec<u8>,
    ) -> Result<(), ClientError> {
        self.relay.reviewer_mailbox_append(key, mailbox, envelope, unix_now()).await
    }
}

/// Pieces of a download waiting for its reader: with the relay's 64 KiB chunks, a few hundred
/// KiB per download, whatever its length.
const READ_AHEAD: usize = 4;

/// An entry's bytes as they arrive from the relay, read on a blocking thread (age and the
/// envelope parser read synchronously). Only `READ_AHEAD` pieces are held; dropping the
/// reader stops the download, so an entry found not to be for this reviewer after its header
/// costs no more than its header. The body must be exactly the listed length: longer is cut off
/// at once, shorter is an error, both reported by [`EntryReader::failure`].
pub struct EntryReader {
    pieces: tokio::sync::mpsc::Receiver<bytes::Bytes>,
    current: bytes::Bytes,
    failure: Arc<Mutex<Option<DownloadFailure>>>,
}

/// Why an entry's download failed.
#[derive(Debug)]
pub struct DownloadFailure {
    /// What failed.
    pub error: ClientError,
    /// Whether the relay had answered for this entry (404 or 5xx, or a body cut short or too
    /// long): the entry's own trouble. Otherwise the relay could not be asked at all.
    pub answered: bool,
}

impl std::fmt::Debug for EntryReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EntryReader")
    }
}

impl EntryReader {
    fn start(relay: RelayClient, key: SigningKey, path: String, len: u64) -> EntryReader {
        let (tx, pieces) = tokio::sync::mpsc::channel(READ_AHEAD);
        let failure = Arc::new(Mutex::new(None));
        let failed = Arc::clone(&failure);
        tokio::spawn(async move {
            let mut answered = false;
            let result = async {
                let (mut response, url) = relay.reviewer_get_streamed(&key, &path, unix_now()).await.inspect_err(|e| {
                    answered = matches!(e, ClientError::Relay { status, .. } if *status == 404 || *status >= 500 && *status != 503);
                })?;
                answered = true;
                let mut got = 0u64;
                let long = || ClientError::Protocol(format!("{url}: the entry is longer than the {len} bytes listed"));
                if response.content_length().is_some_and(|l| l > len) {
                    return Err(long());
                }
                while let Some(piece) =
                    response.chunk().await.map_err(|e| candour_submit::client::transfer_failed(&url, &e))?
                {
                    got += piece.len() as u64;
                    if got > len {
                        return Err(long());
                    }
                    if tx.send(piece).await.is_err() {
                        return Ok(()); // the reader has what it needed
                    }
                }
                if got < len {
                    return Err(ClientError::Protocol(format!(
                        "{url}: the entry ended after {got} of the {len} bytes listed"
                    )));
                }
                Ok(())
            }
            .await;
            if let Err(error) = result {
                if let Ok(mut slot) = failed.lock() {
                    *slot = Some(DownloadFailure { error, answered });
                }
            }
            // Dropping the sender ends the reader's stream: at the end, or after a failure.
        });
        EntryReader { pieces, current: bytes::Bytes::new(), failure }
    }

    /// Why the download failed, if it did (the reader then saw an error). Read it once the
    /// reader has stopped.
    pub fn failure(&self) -> Option<DownloadFailure> {
        self.failure.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl Read for EntryReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            // Called on a blocking thread (never inside the runtime's workers).
            match self.pieces.blocking_recv() {
                Some(piece) => self.current = piece,
                None => {
                    if self.failure.lock().is_ok_and(|slot| slot.is_some()) {
                        return Err(std::io::Error::other("the download failed"));
                    }
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}
