//! Documents signed by the organisation's offline roots: the key directory
//! ([`crate::directory`]) and the reporter page's manifest ([`crate::page_manifest`]).
//!
//! Each signature is Ed25519 by a root key, checked strictly, over a per-document context
//! followed by the document's exact served bytes (never re-serialised), so a signature on a
//! directory can never be presented as one on a manifest or the other way round. Roots are
//! pinned by the client and the threshold with them; signatures by roots the client does not pin
//! neither help nor hurt; each root counts once.

use std::collections::BTreeSet;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _};

use crate::directory::RootSignature;
use crate::keys::{RootPublicKey, RootSecretKey};

fn message(context: &[u8], signed: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(context.len() + signed.len());
    m.extend_from_slice(context);
    m.extend_from_slice(signed);
    m
}

/// Adds `root`'s signature over `signed` under `context` to `signatures`, replacing an earlier
/// one by the same root (a signing ceremony run twice).
pub(crate) fn add(signatures: &mut Vec<RootSignature>, context: &[u8], signed: &[u8], root: &RootSecretKey) {
    let public = root.public().to_string();
    signatures.retain(|s| s.key != public);
    let signature = root.signing_key().sign(&message(context, signed));
    signatures.push(RootSignature { key: public, signature: B64.encode(signature.to_bytes()) });
}

/// Why a root signature list is not good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A pinned root's signature does not verify (its key in the served form).
    Bad(String),
}

/// The number of distinct pinned roots in `roots` whose signature over `signed` under `context`
/// verifies. A pinned root's signature that does not verify is an error, not a zero: someone
/// altered the document or the signature.
pub(crate) fn count_valid(
    signatures: &[RootSignature],
    context: &[u8],
    signed: &[u8],
    roots: &[RootPublicKey],
) -> Result<usize, Fault> {
    let message = message(context, signed);
    let mut valid = BTreeSet::new();
    for sig in signatures {
        let Ok(key) = sig.key.parse::<RootPublicKey>() else { continue };
        if !roots.contains(&key) {
            continue;
        }
        let bytes = B64.decode(&sig.signature).map_err(|_| Fault::Bad(key.to_string()))?;
        let arr: [u8; 64] = bytes.try_into().map_err(|_| Fault::Bad(key.to_string()))?;
        key.0 .0.verify_strict(&message, &Signature::from_bytes(&arr)).map_err(|_| Fault::Bad(key.to_string()))?;
        valid.insert(key.0.to_bytes());
    }
    Ok(valid.len())
}

/// `b` without leading and trailing ASCII whitespace.
pub(crate) fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end]
}
