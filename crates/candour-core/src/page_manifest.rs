//! The reporter page's manifest: the SHA-256 of every file of a page bundle, signed by the
//! organisation's roots like the directory (README "Where the page comes from").
//!
//! A page cannot prove itself: whoever serves it can change the script that would do the
//! checking. So the proof lives outside the page. A force builds the bundle (`candour page
//! build`), the roots sign its manifest offline (`candour page sign`), and anyone can check a
//! served copy or a kept file against it with the pinned roots (`candour page verify`). The
//! signature is over [`SIGNATURE_CONTEXT`] and the manifest's exact bytes, with its own context,
//! so a directory signature can never stand in for a manifest signature.
//!
//! The field names follow the manifest of WEBCAT (the Freedom of the Press Foundation's
//! integrity scheme for browser applications): `app_name`, `app_version`, `default_csp`,
//! `extra_csp`, `files` and `wasm`. The signatures do not: WEBCAT signs with Sigstore
//! identities, Candour with the organisation's offline Ed25519 roots (deploy/README.md, "The
//! page and WEBCAT").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::directory::RootSignature;
use crate::keys::{RootPublicKey, RootSecretKey};
use crate::wire::Sha256Hex;

/// The `format` of every manifest this version writes and reads.
pub const MANIFEST_FORMAT: &str = "candour-page-manifest/1";
/// Domain separation for the roots' signatures on a manifest.
pub const SIGNATURE_CONTEXT: &[u8] = b"candour-page-manifest-signature/v1\n";

/// What a page bundle holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageManifest {
    /// [`MANIFEST_FORMAT`].
    pub format: String,
    /// The application's name (`candour`).
    pub app_name: String,
    /// The Candour version that built the bundle.
    pub app_version: String,
    /// The relay the page talks to (its origin); the page's CSP lets it connect nowhere else.
    pub relay: String,
    /// The Content-Security-Policy the hosted pages carry (also inside each HTML file).
    pub default_csp: String,
    /// Policies for paths whose policy differs (the kept single files), by path.
    #[serde(default)]
    pub extra_csp: BTreeMap<String, String>,
    /// Every file, by its path from the bundle's root (`/index.html`), with its SHA-256.
    pub files: BTreeMap<String, Sha256Hex>,
    /// The SHA-256 of each WebAssembly module among the files.
    pub wasm: Vec<Sha256Hex>,
}

/// Why a manifest, or a file checked against it, is not good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Not a manifest (or not a served one).
    #[error("not a page manifest: {0}")]
    Malformed(String),
    /// The manifest parses but breaks its own rules.
    #[error("the page manifest is inconsistent: {0}")]
    Invalid(String),
    /// A pinned root's signature does not verify.
    #[error("the signature by root {0} does not verify: the manifest or its signature was altered")]
    BadSignature(String),
    /// Fewer pinned roots signed than the threshold.
    #[error("{valid} of the pinned roots signed the page manifest; {required} are needed")]
    BelowThreshold {
        /// Valid signatures by distinct pinned roots.
        valid: usize,
        /// The pinned threshold.
        required: usize,
    },
    /// No roots or a zero threshold.
    #[error("unusable trust policy: {0}")]
    Policy(String),
    /// A file's bytes are not the ones the manifest names.
    #[error("{path} is not the file the organisation signed (SHA-256 {found}, signed {expected})")]
    FileMismatch {
        /// The file's path in the bundle.
        path: String,
        /// The SHA-256 of what was served.
        found: Sha256Hex,
        /// The SHA-256 the manifest names.
        expected: Sha256Hex,
    },
    /// A file the manifest does not list.
    #[error("{0} is not one of the page's signed files")]
    Unlisted(String),
}

impl ManifestError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ManifestError::Malformed(_) => "manifest-malformed",
            ManifestError::Invalid(_) => "manifest-invalid",
            ManifestError::BadSignature(_) => "manifest-bad-signature",
            ManifestError::BelowThreshold { .. } => "manifest-below-threshold",
            ManifestError::Policy(_) => "manifest-policy",
            ManifestError::FileMismatch { .. } => "page-file-mismatch",
            ManifestError::Unlisted(_) => "page-file-unlisted",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Served<'a> {
    #[serde(borrow)]
    manifest: &'a RawValue,
    signatures: Vec<RootSignature>,
}

#[derive(Serialize)]
struct ServedOut<'a> {
    manifest: &'a RawValue,
    signatures: &'a [RootSignature],
}

impl PageManifest {
    /// Checks the manifest's own rules: its format, clean absolute paths, and every module
    /// hash among the files.
    pub fn validate(&self) -> Result<(), ManifestError> {
        let invalid = |m: String| Err(ManifestError::Invalid(m));
        if self.format != MANIFEST_FORMAT {
            return invalid(format!("format is {:?}, expected {MANIFEST_FORMAT:?}", self.format));
        }
        if self.files.is_empty() {
            return invalid("it lists no files".into());
        }
        for path in self.files.keys().chain(self.extra_csp.keys()) {
            let clean = path.starts_with('/')
                && !path.contains("//")
                && !path.split('/').any(|part| part == "." || part == "..")
                && path.chars().all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c));
            if !clean {
                return invalid(format!("{path:?} is not a plain path from the bundle's root"));
            }
        }
        if let Some(missing) = self.wasm.iter().find(|h| !self.files.values().any(|f| f == *h)) {
            return invalid(format!("module {missing} is not among the files"));
        }
        Ok(())
    }

    /// The unsigned served form (`{"manifest": …, "signatures": []}`), ready for the roots.
    pub fn to_unsigned(&self) -> Vec<u8> {
        // Serialising these plain types cannot fail.
        let raw = serde_json::to_string_pretty(self).unwrap_or_default();
        let raw = RawValue::from_string(raw).unwrap_or_else(|_| RawValue::NULL.to_owned());
        let mut out = serde_json::to_vec_pretty(&ServedOut { manifest: &raw, signatures: &[] }).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// Adds `root`'s signature to a served manifest (unsigned, or signed by other roots already:
/// for 2-of-3 ceremonies). Returns the served bytes.
pub fn sign(served: &[u8], root: &RootSecretKey) -> Result<Vec<u8>, ManifestError> {
    let parsed: Served<'_> = serde_json::from_slice(crate::rootsig::trim_ascii(served))
        .map_err(|e| ManifestError::Malformed(e.to_string()))?;
    let manifest: PageManifest =
        serde_json::from_str(parsed.manifest.get()).map_err(|e| ManifestError::Malformed(e.to_string()))?;
    manifest.validate()?;
    let mut signatures = parsed.signatures;
    crate::rootsig::add(&mut signatures, SIGNATURE_CONTEXT, parsed.manifest.get().as_bytes(), root);
    let mut out = serde_json::to_vec_pretty(&ServedOut { manifest: parsed.manifest, signatures: &signatures })
        .map_err(|e| ManifestError::Malformed(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// A manifest whose signatures met the threshold.
#[derive(Clone, Debug)]
pub struct VerifiedManifest {
    /// The manifest.
    pub manifest: PageManifest,
    /// SHA-256 of the served bytes, to publish beside the root key.
    pub served_sha256: [u8; 32],
}

impl VerifiedManifest {
    /// Checks one file of the page, by its path from the bundle's root.
    pub fn check(&self, path: &str, bytes: &[u8]) -> Result<(), ManifestError> {
        let expected = *self.manifest.files.get(path).ok_or_else(|| ManifestError::Unlisted(path.to_owned()))?;
        let found = Sha256Hex(Sha256::digest(bytes).into());
        if found != expected {
            return Err(ManifestError::FileMismatch { path: path.to_owned(), found, expected });
        }
        Ok(())
    }
}

/// Verifies a served manifest against pinned roots and a pinned threshold.
pub fn verify(served: &[u8], roots: &[RootPublicKey], threshold: usize) -> Result<VerifiedManifest, ManifestError> {
    if roots.is_empty() || threshold == 0 {
        return Err(ManifestError::Policy("at least one pinned root and a threshold of one or more are needed".into()));
    }
    if threshold > roots.len() {
        return Err(ManifestError::Policy(format!(
            "a threshold of {threshold} cannot be met by {} roots",
            roots.len()
        )));
    }
    let parsed: Served<'_> = serde_json::from_slice(served).map_err(|e| ManifestError::Malformed(e.to_string()))?;
    let signed = parsed.manifest.get().as_bytes();
    let valid = crate::rootsig::count_valid(&parsed.signatures, SIGNATURE_CONTEXT, signed, roots)
        .map_err(|crate::rootsig::Fault::Bad(key)| ManifestError::BadSignature(key))?;
    if valid < threshold {
        return Err(ManifestError::BelowThreshold { valid, required: threshold });
    }
    // Only now, with the signatures good, is the document itself worth parsing.
    let manifest: PageManifest = serde_json::from_slice(signed).map_err(|e| ManifestError::Malformed(e.to_string()))?;
    manifest.validate()?;
    Ok(VerifiedManifest { manifest, served_sha256: Sha256::digest(served).into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> PageManifest {
        let module = Sha256Hex(Sha256::digest(b"module").into());
        PageManifest {
            format: MANIFEST_FORMAT.into(),
            app_name: "candour".into(),
            app_version: "test".into(),
            relay: "https://relay.example".into(),
            default_csp: "default-src 'none'".into(),
            extra_csp: BTreeMap::new(),
            files: [
                ("/index.html".to_owned(), Sha256Hex(Sha256::digest(b"index").into())),
                ("/static/candour.wasm".to_owned(), module),
            ]
            .into(),
            wasm: vec![module],
        }
    }

    #[test]
    fn a_signed_manifest_checks_files_and_refuses_changes() {
        let root = RootSecretKey::from_seed(&[9; 32]);
        let other = RootSecretKey::from_seed(&[8; 32]);
        let served = sign(&manifest().to_unsigned(), &root).expect("signs");
        let verified = verify(&served, &[root.public()], 1).expect("verifies");
        verified.check("/index.html", b"index").expect("the signed file");
        let err = verified.check("/index.html", b"index, changed").expect_err("changed");
        assert_eq!(err.code(), "page-file-mismatch");
        assert_eq!(verified.check("/extra.js", b"x").expect_err("unlisted").code(), "page-file-unlisted");
        // Another root's signature does not count; a threshold above the roots is refused.
        let err = verify(&served, &[other.public()], 1).expect_err("not pinned");
        assert_eq!(err, ManifestError::BelowThreshold { valid: 0, required: 1 });
        assert_eq!(verify(&served, &[root.public()], 2).expect_err("threshold").code(), "manifest-policy");
        // A threshold of zero would accept a manifest no root signed: refused as a policy.
        assert_eq!(verify(&manifest().to_unsigned(), &[root.public()], 0).expect_err("zero").code(), "manifest-policy");
        assert_eq!(verify(&served, &[], 1).expect_err("no roots").code(), "manifest-policy");
        // Two of two, added one after the other.
        let both = sign(&served, &other).expect("second signature");
        verify(&both, &[root.public(), other.public()], 2).expect("two of two");
        // One byte of the manifest changed: the signature fails.
        let text = String::from_utf8(served).expect("utf-8").replace("relay.example", "relay.evil!!!");
        assert_eq!(verify(text.as_bytes(), &[root.public()], 1).expect_err("altered").code(), "manifest-bad-signature");
    }

    #[test]
    fn a_directory_signature_is_no_manifest_signature() {
        let root = RootSecretKey::from_seed(&[9; 32]);
        let unsigned = manifest().to_unsigned();
        let parsed: serde_json::Value = serde_json::from_slice(&unsigned).expect("json");
        let raw = serde_json::to_string_pretty(&parsed["manifest"]).expect("raw");
        // The same bytes signed under the directory's context.
        let mut sigs = Vec::new();
        crate::rootsig::add(&mut sigs, crate::directory::SIGNATURE_CONTEXT, raw.as_bytes(), &root);
        let forged =
            format!("{{\"manifest\": {raw}, \"signatures\": {}}}", serde_json::to_string(&sigs).expect("sigs"));
        assert_eq!(
            verify(forged.as_bytes(), &[root.public()], 1).expect_err("wrong context").code(),
            "manifest-bad-signature"
        );
    }

    #[test]
    fn paths_must_be_plain() {
        for bad in ["index.html", "/../etc/passwd", "//x", "/a b", "/static/./x"] {
            let mut m = manifest();
            m.files.insert(bad.into(), Sha256Hex([0; 32]));
            assert_eq!(m.validate().expect_err(bad).code(), "manifest-invalid", "{bad}");
        }
        let mut m = manifest();
        m.wasm.push(Sha256Hex([1; 32]));
        assert!(m.validate().is_err(), "a module hash must be one of the files");
    }
}
