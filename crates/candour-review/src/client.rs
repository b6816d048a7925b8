//! The reviewer's relay access, as the review engine uses it: the signed calls of
//! [`candour_client::reviewer`], with listings in the engine's terms, and entries streamed to a
//! blocking reader ([`EntryReader`]) as they arrive.
//!
//! Requests carry the reviewer's real clock (the relay refuses stale signatures); the triage
//! clocks are separate and injected.

use std::io::Read;
use std::sync::{Arc, Mutex};

use candour_client::{ClientError, RelayClient};
use candour_core::api::{self, EntryInfo, Seq};
use candour_core::directory::{TrustPolicy, VerifiedDirectory};
use candour_core::wire::{CaseStreamId, MailboxAddress};
use candour_core::Day;
use ed25519_dalek::SigningKey;

use candour_client::clock::unix_now;

/// One relay listing entry, as the engine keys it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListedEntry {
    /// The entry number.
    pub seq: u64,
    /// Its length in bytes.
    pub len: u64,
    /// The day the relay will remove it.
    pub expires: Option<Day>,
}

impl From<EntryInfo> for ListedEntry {
    fn from(e: EntryInfo) -> Self {
        ListedEntry { seq: e.seq.0, len: e.len, expires: Some(e.expires) }
    }
}

/// The part of the relay's public policy (`GET /v1/policy`) the engine's clocks use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelayPolicy {
    /// Days every entry is kept after the end of its arrival epoch.
    pub retention_days: u32,
    /// Days per retention epoch.
    pub retention_epoch_days: u32,
}

/// A reviewer's connection to one relay.
#[derive(Clone, Debug)]
pub struct ReviewClient {
    relay: RelayClient,
}

fn listed(entries: Vec<EntryInfo>) -> Vec<ListedEntry> {
    entries.into_iter().map(ListedEntry::from).collect()
}

impl ReviewClient {
    /// A client for the relay at `base`, optionally through a proxy (e.g. Tor).
    pub fn new(base: &str, proxy: Option<&str>) -> Result<ReviewClient, ClientError> {
        // One transport for both roles: generic user agent, bounded waits, a proxy only when
        // asked for, and one handling of the relay's error bodies.
        Ok(ReviewClient { relay: RelayClient::new(base, proxy)? })
    }

    /// The relay client itself (directory, mailbox, signed calls).
    pub fn relay(&self) -> &RelayClient {
        &self.relay
    }

    /// Fetches and verifies the directory against the pinned policy.
    pub async fn directory(&self, policy: &TrustPolicy) -> Result<VerifiedDirectory, ClientError> {
        self.relay.directory(policy).await
    }

    /// Inbox entries after `after`.
    pub async fn inbox_list(&self, key: &SigningKey, after: Option<u64>) -> Result<Vec<ListedEntry>, ClientError> {
        Ok(listed(self.relay.inbox_list(key, after.map(Seq)).await?))
    }

    /// One inbox entry's bytes, as they arrive (see [`EntryReader`]).
    pub fn inbox_stream(&self, key: &SigningKey, entry: ListedEntry) -> EntryReader {
        EntryReader::start(self.relay.clone(), key.clone(), api::inbox_entry(Seq(entry.seq)), entry.len)
    }

    /// One inbox entry's listing (its length), if the relay still has it.
    pub async fn inbox_entry(&self, key: &SigningKey, seq: u64) -> Result<Option<ListedEntry>, ClientError> {
        Ok(self.relay.inbox_entry(key, Seq(seq)).await?.map(ListedEntry::from))
    }

    /// Every entry of a case stream.
    pub async fn case_list(&self, key: &SigningKey, stream: &CaseStreamId) -> Result<Vec<ListedEntry>, ClientError> {
        Ok(listed(self.relay.case_list(key, stream).await?))
    }

    /// One case-stream entry's bytes (an event: small, and refused past
    /// [`candour_client::MAX_ANSWER_BYTES`]).
    pub async fn case_read(&self, key: &SigningKey, stream: &CaseStreamId, seq: u64) -> Result<Vec<u8>, ClientError> {
        self.relay.case_read(key, stream, Seq(seq)).await
    }

    /// The relay's retention policy.
    pub async fn policy(&self) -> Result<RelayPolicy, ClientError> {
        let policy = self.relay.policy().await?;
        Ok(RelayPolicy { retention_days: policy.retention_days, retention_epoch_days: policy.retention_epoch_days })
    }

    /// Appends a sealed case event; returns its entry number and the day the relay will remove
    /// it, once the relay has stored it.
    pub async fn case_append(
        &self,
        key: &SigningKey,
        stream: &CaseStreamId,
        envelope: Vec<u8>,
    ) -> Result<(u64, Option<Day>), ClientError> {
        let appended = self.relay.case_append(key, stream, envelope).await?;
        Ok((appended.seq.0, Some(appended.expires)))
    }

    /// Files an envelope in the inbox as anyone does: a proof of work priced by its size,
    /// then the upload, unsigned (an escalation notice must look like any report).
    pub async fn inbox_submit(&self, envelope: Vec<u8>) -> Result<(), ClientError> {
        let solution = self.relay.solve_challenge(envelope.len() as u64).await?;
        self.relay.submit(&solution, envelope.into()).await
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
                    response.chunk().await.map_err(|e| candour_client::transfer_failed(&url, &e))?
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
