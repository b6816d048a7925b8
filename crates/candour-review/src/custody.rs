//! The reviewer's side of custodian-held identities (docs/design.md §6 "Custodian-held
//! identities"): what a custodian's tool keeps of the requests it receives, what a requester's
//! tool keeps of an answer, and the checks each makes. The wire documents and why the
//! composition is safe: [`candour_core::custody`].

use candour_core::custody::{IdentityAnswer, IdentityRequest};
use candour_core::directory::VerifiedDirectory;
use candour_core::keys::PublicSigningKey;
use candour_core::Day;
use serde::{Deserialize, Serialize};

/// A request received by this custodian.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedIdentityRequest {
    /// Its inbox entry number: how the custodian names it.
    pub seq: u64,
    /// The request.
    pub request: IdentityRequest,
    /// The case's reference (the custodian reads no case; this is what they quote back).
    pub case: String,
    /// This custodian's answer, once given: the day, and whether it was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<(Day, bool)>,
}

/// An identity a custodian revealed to this reviewer, or their refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedAnswer {
    /// Its inbox entry number.
    pub seq: u64,
    /// The custodian who answered.
    pub custodian: String,
    /// The day they answered.
    pub day: Day,
    /// Their note.
    pub note: String,
    /// The name and contact, when granted (checked to be the reporter's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revealed: Option<Revealed>,
    /// Whether the answer is recorded on the case's history yet (the next sync tries again).
    #[serde(default)]
    pub recorded: bool,
}

/// A reporter's name and contact, as they gave them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revealed {
    /// Name, if given.
    pub name: Option<String>,
    /// Contact, if given.
    pub contact: Option<String>,
}

/// Why a request or answer addressed to this reviewer is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CustodyRefused {
    /// A request reached a reviewer who is not an identity custodian.
    #[error("a request for a reporter's identity reached {0}, who is not an identity custodian")]
    NotACustodian(String),
    /// The envelope is not signed by the directory key of the reviewer it names.
    #[error("it is not signed by {0}'s directory key")]
    NotTheAuthor(String),
    /// An answer from someone the directory does not name as a custodian.
    #[error("{0} is not an identity custodian in the directory")]
    AnswerNotFromCustodian(String),
    /// An answer meant for another reviewer.
    #[error("it answers {0}'s request, not this reviewer's")]
    NotForMe(String),
    /// An answer for a case this reviewer does not hold, or never asked about.
    #[error("it answers a request this reviewer did not make for a case they hold")]
    NotAsked,
    /// An answer for a case that has since moved away from this reviewer.
    #[error("it answers a request for a case that has since been passed on away from this reviewer")]
    MovedAway,
    /// A grant whose identity is not the reporter's own.
    #[error("the identity it carries is not this case's reporter's: {0}")]
    NotTheReporters(String),
}

impl CustodyRefused {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            CustodyRefused::NotACustodian(_) => "custody-not-a-custodian",
            CustodyRefused::NotTheAuthor(_) => "custody-not-the-author",
            CustodyRefused::AnswerNotFromCustodian(_) => "custody-answer-not-from-custodian",
            CustodyRefused::NotForMe(_) => "custody-not-for-me",
            CustodyRefused::NotAsked => "custody-not-asked",
            CustodyRefused::MovedAway => "custody-moved-away",
            CustodyRefused::NotTheReporters(_) => "custody-not-the-reporters",
        }
    }
}

/// Checks a request this reviewer received: they are a custodian, and it is signed by the
/// directory key of the reviewer it names.
pub fn check_request(
    dir: &VerifiedDirectory,
    me: &str,
    request: &IdentityRequest,
    signer: &PublicSigningKey,
) -> Result<(), CustodyRefused> {
    if !dir.directory().custodians.iter().any(|c| c == me) {
        return Err(CustodyRefused::NotACustodian(me.to_owned()));
    }
    if !dir.signed_by_author(&request.requester, signer, request.day, None) {
        return Err(CustodyRefused::NotTheAuthor(request.requester.clone()));
    }
    Ok(())
}

/// Checks an answer this reviewer received: from a custodian, signed by their key, to them.
pub fn check_answer(
    dir: &VerifiedDirectory,
    me: &str,
    answer: &IdentityAnswer,
    signer: &PublicSigningKey,
) -> Result<(), CustodyRefused> {
    if !dir.directory().custodians.contains(&answer.custodian) {
        return Err(CustodyRefused::AnswerNotFromCustodian(answer.custodian.clone()));
    }
    if !dir.signed_by_author(&answer.custodian, signer, answer.day, None) {
        return Err(CustodyRefused::NotTheAuthor(answer.custodian.clone()));
    }
    if answer.requester != me {
        return Err(CustodyRefused::NotForMe(answer.requester.clone()));
    }
    Ok(())
}
