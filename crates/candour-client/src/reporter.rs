//! The reporter's half: proof of work, submission, and the mailbox the token opens. Nothing here
//! signs anything: a reporter has no key the relay knows.

use candour_core::api::{route, ChallengeRequest, EntryInfo, EntryPage, MailboxRequest, Seq};
use candour_core::pow::{self, Challenge, Solution};
use candour_core::token::MailboxId;

use crate::{ClientError, RelayClient, MAX_ANSWER_BYTES, MAX_MAILBOX_ENTRY_BYTES};

impl RelayClient {
    /// Asks for a proof-of-work challenge admitting an envelope of at most `max_bytes` and
    /// solves it (on a blocking thread: about a second for a report, more for large
    /// attachments, whose work the relay prices by size).
    pub async fn solve_challenge(&self, max_bytes: u64) -> Result<Solution, ClientError> {
        let url = self.url(route::CHALLENGE);
        let request = ChallengeRequest { max_bytes };
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
        let url = self.url(route::INBOX);
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
        after: Option<Seq>,
    ) -> Result<(Vec<EntryInfo>, Option<Seq>), ClientError> {
        let url = self.url(route::MAILBOX_LIST);
        let request = MailboxRequest::new(id, after, None);
        let body = self.bytes(self.http.post(&url).json(&request), &url, MAX_ANSWER_BYTES).await?;
        let page: EntryPage = serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok((page.entries, page.next))
    }

    /// Every entry in the mailbox, following the cursor.
    pub async fn mailbox_all(&self, id: &MailboxId) -> Result<Vec<EntryInfo>, ClientError> {
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
    pub async fn mailbox_read(&self, id: &MailboxId, seq: Seq) -> Result<Vec<u8>, ClientError> {
        let url = self.url(route::MAILBOX_READ);
        let request = MailboxRequest::new(id, None, Some(seq));
        self.bytes(self.http.post(&url).json(&request), &url, MAX_MAILBOX_ENTRY_BYTES).await
    }
}
