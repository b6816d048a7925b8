//! A reviewer's decryption keys: the current age identity, and the identities of keys rotated
//! out, kept only so that what was sealed to them before the rotation (reports, follow-ups, case
//! events) still opens.
//!
//! Why this composition is safe: [`KeyRing`] is an `age::Identity` that asks each of age's own
//! X25519 identities in turn to unwrap a file's stanzas, exactly as age does when it is given
//! several identities; no cryptography is added. Retired identities only decrypt: nothing is
//! signed with them, and a directory never lists them for sealing (only a retired *signing*
//! key, for verifying history; see `candour_core::directory::RetiredKey`).

/// The current identity and any retired ones, tried in that order.
pub struct KeyRing {
    current: age::x25519::Identity,
    retired: Vec<age::x25519::Identity>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyRing(current and {} retired, redacted)", self.retired.len())
    }
}

impl KeyRing {
    /// A ring of the current identity and `retired` ones.
    pub fn new(current: age::x25519::Identity, retired: Vec<age::x25519::Identity>) -> Self {
        KeyRing { current, retired }
    }

    /// How many retired identities it holds.
    pub fn retired_count(&self) -> usize {
        self.retired.len()
    }
}

impl age::Identity for KeyRing {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        std::iter::once(&self.current).chain(&self.retired).find_map(|id| id.unwrap_stanza(stanza))
    }

    fn unwrap_stanzas(
        &self,
        stanzas: &[age_core::format::Stanza],
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        std::iter::once(&self.current).chain(&self.retired).find_map(|id| id.unwrap_stanzas(stanzas))
    }
}
