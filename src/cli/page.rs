//! `candour page`: build the reporter page as a bundle for a host apart from the relay, sign its
//! manifest with the organisation's roots, and check a served page or a kept file against it
//! (README "Where the page comes from").

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use candour_core::keys::SecretKeyFile;
use candour_core::page_manifest::{self, ManifestError, VerifiedManifest};
use clap::Subcommand;

use super::secrets::{passphrase, read_key_file};
use super::PassphraseArgs;

/// The largest page file `verify` reads (the module is under 2 MiB; the kept files hold it in
/// base64).
const MAX_PAGE_FILE: u64 = 16 << 20;
/// The largest manifest `verify` reads.
const MAX_MANIFEST: u64 = 1 << 20;
/// The manifest's name beside the bundle's files.
const MANIFEST_NAME: &str = "manifest.json";

#[derive(Debug, Subcommand)]
pub enum PageCommand {
    /// Write the reporter page as a static bundle for a host apart from the relay (the PCC's
    /// website, an auditor's host): the pages and their parts, the two single files a reporter
    /// can keep, and manifest.json (unsigned) listing every file's SHA-256. The same version
    /// and relay always give the same bytes.
    Build {
        /// Print what was written as JSON (files, manifest, and the kept files' SHA-256).
        #[arg(long)]
        json: bool,
        /// The relay the page talks to (scheme, host and port), e.g. https://relay.example.org.
        /// Tell the relay the page's origin (`page_origins`).
        #[arg(long, value_name = "URL")]
        relay: String,
        /// The folder to write (created if missing).
        #[arg(value_name = "OUT")]
        out: PathBuf,
    },
    /// Add a root's signature to a bundle's manifest.json, in place (2-of-3 ceremonies: run it
    /// once per root, offline).
    Sign {
        /// Print the signer and the manifest's SHA-256 as JSON.
        #[arg(long)]
        json: bool,
        /// The root's passphrase-protected secret key file.
        #[arg(long, value_name = "FILE")]
        root_key: PathBuf,
        /// The bundle's manifest.json.
        #[arg(value_name = "MANIFEST")]
        manifest: PathBuf,
        #[command(flatten)]
        pass: PassphraseArgs,
    },
    /// Check a page against its signed manifest and the pinned roots: a served page (a URL; its
    /// manifest.json beside it unless --manifest says otherwise), a bundle folder, or one kept
    /// file (with --manifest). Exits with status 1 and names the file that differs.
    Verify {
        /// Print the outcome as JSON (signed, checked files, faults) instead of text; the exit
        /// status is the same.
        #[arg(long)]
        json: bool,
        /// The page's address (https://… or http://…), a bundle folder, or a kept file.
        #[arg(value_name = "PAGE")]
        page: String,
        /// The signed manifest, as a file or an address (default: manifest.json beside the page).
        #[arg(long, value_name = "FILE|URL")]
        manifest: Option<String>,
        /// A pinned root public key (candour-root-...) or a file holding one. Repeat for
        /// several roots.
        #[arg(long = "root", value_name = "PUB", required = true)]
        roots: Vec<String>,
        /// How many distinct pinned roots must have signed.
        #[arg(long, default_value_t = 1)]
        threshold: usize,
        /// Fetch through this proxy, e.g. Tor at socks5h://127.0.0.1:9050.
        #[arg(long, env = "CANDOUR_PROXY", value_name = "URL")]
        proxy: Option<String>,
    },
}

pub fn run(cmd: PageCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PageCommand::Build { json, relay, out } => build(&relay, &out, json),
        PageCommand::Sign { json, root_key, manifest, pass } => {
            let bytes = fs::read(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
            let pass = passphrase(&pass, &format!("root key {}", root_key.display()), false)?;
            let SecretKeyFile::Root(root) = read_key_file(&root_key, &pass)? else {
                bail!("{} is a reviewer key, not a root key", root_key.display());
            };
            let signed = page_manifest::sign(&bytes, &root).map_err(manifest_error)?;
            fs::write(&manifest, &signed).with_context(|| format!("writing {}", manifest.display()))?;
            let digest = candour_core::wire::to_hex(&sha256(&signed));
            if json {
                let said = serde_json::json!({
                    "signed_by": root.public().to_string(), "fingerprint": root.public().fingerprint(),
                    "manifest_sha256": digest,
                });
                println!("{said}");
            } else {
                println!("signed by {} (fingerprint {})", root.public(), root.public().fingerprint());
                println!("manifest SHA-256 {digest}");
            }
            Ok(ExitCode::SUCCESS)
        }
        PageCommand::Verify { json, page, manifest, roots, threshold, proxy } => {
            let roots = roots.iter().map(|r| super::net::parse_root(r)).collect::<anyhow::Result<Vec<_>>>()?;
            let checks = Checks { roots: &roots, threshold, proxy: proxy.as_deref(), json };
            super::net::runtime()?.block_on(verify(&page, manifest.as_deref(), &checks))
        }
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

fn manifest_error(e: ManifestError) -> anyhow::Error {
    anyhow::anyhow!("{e} ({})", e.code())
}

fn build(relay: &str, out: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let (files, manifest) = candour_relay::web::bundle(relay, env!("CARGO_PKG_VERSION"))
        .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
    for file in &files {
        let path = out.join(file.path.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let manifest_path = out.join(MANIFEST_NAME);
    fs::write(&manifest_path, manifest.to_unsigned())
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    if json {
        let kept: serde_json::Map<String, serde_json::Value> = manifest
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("/candour-"))
            .map(|(p, h)| (p.clone(), serde_json::Value::String(h.to_string())))
            .collect();
        let said = serde_json::json!({
            "relay": manifest.relay, "folder": out, "manifest": manifest_path,
            "files": files.iter().map(|f| f.path).collect::<Vec<_>>(), "kept_files": kept,
        });
        println!("{said}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("wrote {} files for a page talking to {} into {}", files.len(), manifest.relay, out.display());
    for (path, hash) in manifest.files.iter().filter(|(p, _)| p.starts_with("/candour-")) {
        println!("  {path}  SHA-256 {hash}  (a reporter can keep this one file)");
    }
    println!("Next: sign {} with the root(s), offline:", manifest_path.display());
    println!("  candour page sign --root-key ROOT.key {}", manifest_path.display());
    println!("then publish the folder on the page's host and tell the relay its origin (page_origins).");
    Ok(ExitCode::SUCCESS)
}

/// Where the page's files come from.
enum Source {
    Served(candour_client::RelayClient),
    Folder(PathBuf),
    File(PathBuf),
}

impl Source {
    async fn read(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        match self {
            Source::Served(client) => Ok(client.page_file(path, MAX_PAGE_FILE).await?),
            Source::Folder(dir) => {
                let file = dir.join(path.trim_start_matches('/'));
                fs::read(&file).with_context(|| format!("reading {}", file.display()))
            }
            Source::File(file) => fs::read(file).with_context(|| format!("reading {}", file.display())),
        }
    }
}

/// What `verify` checks against, and how it says what it found.
struct Checks<'a> {
    roots: &'a [candour_core::keys::RootPublicKey],
    threshold: usize,
    proxy: Option<&'a str>,
    json: bool,
}

async fn verify(page: &str, manifest: Option<&str>, checks: &Checks<'_>) -> anyhow::Result<ExitCode> {
    let (threshold, proxy) = (checks.threshold, checks.proxy);
    let served = page.starts_with("https://") || page.starts_with("http://");
    let source = if served {
        let base = page.trim_end_matches('/');
        let base = base.strip_suffix("/index.html").unwrap_or(base);
        Source::Served(candour_client::RelayClient::new(base, proxy)?)
    } else if Path::new(page).is_dir() {
        Source::Folder(PathBuf::from(page))
    } else {
        Source::File(PathBuf::from(page))
    };
    let manifest_bytes = match (manifest, &source) {
        (Some(m), _) if m.starts_with("https://") || m.starts_with("http://") => {
            let (base, name) = m.rsplit_once('/').context("a manifest address needs a path")?;
            candour_client::RelayClient::new(base, proxy)?.page_file(&format!("/{name}"), MAX_MANIFEST).await?
        }
        (Some(m), _) => fs::read(m).with_context(|| format!("reading {m}"))?,
        (None, Source::File(_)) => bail!("give the signed manifest with --manifest to check a single file"),
        (None, source) => source.read(&format!("/{MANIFEST_NAME}")).await.context("fetching the page's manifest")?,
    };
    let verified = page_manifest::verify(&manifest_bytes, checks.roots, threshold).map_err(manifest_error)?;
    if !checks.json {
        println!(
            "manifest signed by {threshold} or more pinned root(s): candour {}, relay {}, SHA-256 {}",
            verified.manifest.app_version,
            verified.manifest.relay,
            candour_core::wire::to_hex(&verified.served_sha256)
        );
    }
    let mut wanted: Vec<(String, Option<&str>)> = match &source {
        Source::File(file) => {
            vec![(format!("/{}", file.file_name().and_then(|n| n.to_str()).unwrap_or_default()), None)]
        }
        _ => verified.manifest.files.keys().map(|p| (p.clone(), None)).collect(),
    };
    // What a reporter opens is the host's root address, not /index.html: it must be the same
    // signed page.
    if let Source::Served(_) = source {
        wanted.push(("/".into(), Some("/index.html")));
    }
    let (mut good, mut faults) = (Vec::new(), Vec::new());
    for (path, as_path) in &wanted {
        match check(&verified, &source, path, *as_path).await {
            Ok(()) => good.push(path.clone()),
            Err(fault) => faults.push(fault),
        }
    }
    if checks.json {
        let said = serde_json::json!({
            "signed": faults.is_empty(), "app_version": verified.manifest.app_version,
            "relay": verified.manifest.relay, "manifest_sha256": candour_core::wire::to_hex(&verified.served_sha256),
            "checked": good, "faults": faults,
        });
        println!("{said}");
        return Ok(if faults.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(super::exit::TAMPERED) });
    }
    for path in &good {
        println!("ok  {path}");
    }
    if faults.is_empty() {
        println!("This is the page the organisation signed.");
        return Ok(ExitCode::SUCCESS);
    }
    for fault in &faults {
        eprintln!("{fault}");
    }
    eprintln!("NOT the page the organisation signed: do not use it, and tell the organisation.");
    Ok(ExitCode::from(super::exit::TAMPERED))
}

/// Checks one file (`path`, or the file served at `path` against the manifest's `as_path`);
/// the fault when it is not the signed one.
async fn check(verified: &VerifiedManifest, source: &Source, path: &str, as_path: Option<&str>) -> Result<(), String> {
    let bytes = match source.read(path).await {
        Ok(bytes) => bytes,
        Err(e) => return Err(format!("{path}: cannot be read: {}", candour_client::error_chain(e.as_ref()))),
    };
    verified.check(as_path.unwrap_or(path), &bytes).map_err(|e| format!("{path}: {e} ({})", e.code()))
}
