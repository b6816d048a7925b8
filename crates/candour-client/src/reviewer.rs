//! The reviewer's half: every call signed by a reviewer's key from the directory
//! ([`candour_core::auth`]), over the relay address the verified directory names
//! ([`RelayClient::bind`]). Requests carry the reviewer's real clock (the relay refuses stale
//! signatures).

use std::time::Duration;

use candour_core::api::{self, route, Appended, EntryInfo, EntryPage, Policy, Seq, MAX_PAGE};
use candour_core::auth;
use candour_core::wire::{CaseStreamId, MailboxAddress};
use ed25519_dalek::SigningKey;

use crate::clock::unix_now;
use crate::{read_limited, ClientError, RelayClient, MAX_ANSWER_BYTES};

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Protocol(e.to_string()))
}

impl RelayClient {
    /// A request signed by a reviewer's key (`candour_core::auth`): every reviewer call of
    /// the relay goes through here, with one error handling. `content_type` is sent only with
    /// a body. Returns the successful response, its body not yet read.
    pub(crate) async fn reviewer_send(
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
                // This module's clock (the parameter shadows its name), at least a second on.
                once(crate::clock::unix_now().max(unix_now + 1)).await
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
        let path = api::mailbox(mailbox);
        self.reviewer_request(key, reqwest::Method::POST, &path, envelope, "application/octet-stream", unix_now)
            .await?;
        Ok(())
    }

    /// Every entry of a listing (`path` is [`route::INBOX`] or a case stream) after `after`,
    /// following the cursor a full page at a time.
    pub async fn reviewer_list(
        &self,
        key: &SigningKey,
        path: &str,
        after: Option<Seq>,
    ) -> Result<Vec<EntryInfo>, ClientError> {
        let mut all = Vec::new();
        let mut after = after;
        loop {
            let query = api::listing(path, after, Some(MAX_PAGE));
            let page: EntryPage = parse(&self.reviewer_get(key, &query, unix_now()).await?)?;
            let full = page.entries.len() == MAX_PAGE;
            all.extend(page.entries);
            match page.next {
                Some(n) if full && Some(n) != after => after = Some(n),
                _ => return Ok(all),
            }
        }
    }

    /// Inbox entries after `after`.
    pub async fn inbox_list(&self, key: &SigningKey, after: Option<Seq>) -> Result<Vec<EntryInfo>, ClientError> {
        self.reviewer_list(key, route::INBOX, after).await
    }

    /// One inbox entry's listing (its length), if the relay still has it.
    pub async fn inbox_entry(&self, key: &SigningKey, seq: Seq) -> Result<Option<EntryInfo>, ClientError> {
        let query = api::listing(route::INBOX, seq.0.checked_sub(1).map(Seq), Some(1));
        let page: EntryPage = parse(&self.reviewer_get(key, &query, unix_now()).await?)?;
        Ok(page.entries.into_iter().find(|e| e.seq == seq))
    }

    /// Every entry of a case stream.
    pub async fn case_list(&self, key: &SigningKey, stream: &CaseStreamId) -> Result<Vec<EntryInfo>, ClientError> {
        self.reviewer_list(key, &api::case(stream), None).await
    }

    /// One case-stream entry's bytes (an event: small, and refused past [`MAX_ANSWER_BYTES`]).
    pub async fn case_read(&self, key: &SigningKey, stream: &CaseStreamId, seq: Seq) -> Result<Vec<u8>, ClientError> {
        self.reviewer_get(key, &api::case_entry(stream, seq), unix_now()).await
    }

    /// Appends a sealed case event; returns its entry number and the day the relay will remove
    /// it, once the relay has stored it.
    pub async fn case_append(
        &self,
        key: &SigningKey,
        stream: &CaseStreamId,
        envelope: Vec<u8>,
    ) -> Result<Appended, ClientError> {
        let path = api::case(stream);
        let body = self
            .reviewer_request(key, reqwest::Method::POST, &path, envelope, "application/octet-stream", unix_now())
            .await?;
        parse(&body)
    }

    /// The relay's public policy (retention, envelope shape, the price of proof of work).
    pub async fn policy(&self) -> Result<Policy, ClientError> {
        parse(&self.get_json(route::POLICY).await?)
    }
}
