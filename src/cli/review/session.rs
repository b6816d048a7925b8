//! Opening the reviewer's session (key, passphrase, cache) and reporting a sync's outcome.

use super::*;

pub(super) fn day(c: &Common) -> Day {
    c.today.unwrap_or_else(candour_client::clock::today)
}

/// The reviewer's data folder: $XDG_DATA_HOME/candour/review, or ~/.local/share/...
pub(super) fn data_dir() -> anyhow::Result<PathBuf> {
    let base = match (std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME")) {
        (Some(x), _) if !x.is_empty() => PathBuf::from(x),
        (_, Some(h)) if !h.is_empty() => Path::new(&h).join(".local/share"),
        _ => bail!("no XDG_DATA_HOME or HOME: give the cache file with --cache (and, for the desk, --save-dir)"),
    };
    Ok(base.join("candour/review"))
}

pub(super) fn default_cache(id: &str) -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join(format!("{id}.cache")))
}

pub(super) fn read_secret(c: &Common) -> anyhow::Result<ReviewerSecret> {
    let identity = c.identity.as_deref().context("give your key file with --identity or CANDOUR_IDENTITY")?;
    let pass = passphrase(&c.pass, &format!("the key file {}", identity.display()), false)?;
    match read_key_file(identity, &pass)? {
        SecretKeyFile::Reviewer(r) => Ok(r),
        SecretKeyFile::Root(_) => bail!("{} is the organisation root key, not a reviewer's", identity.display()),
    }
}

/// `sync --recover-cache`: sets a damaged cache aside and starts from the previous copy.
pub(super) fn recover_cache(c: &Common) -> anyhow::Result<()> {
    let secret = read_secret(c)?;
    let path = match &c.cache {
        Some(p) => p.clone(),
        None => default_cache(&secret.id)?,
    };
    let recovery = candour_review::cache::Cache::new(&path, &secret).recover()?;
    if let Some(aside) = &recovery.set_aside {
        eprintln!("candour: the damaged cache is kept as {}", aside.display());
    }
    if recovery.restored_previous {
        eprintln!("candour: restored the previous copy ({} cases); syncing brings it up to date", recovery.cases);
    } else {
        eprintln!(
            "candour: no readable previous copy: rebuilding from the relay, which no longer has anything older than \
             its retention period (a colleague's cache may)"
        );
    }
    Ok(())
}

pub(super) async fn open(c: &Common) -> anyhow::Result<ReviewSession> {
    let secret = read_secret(c)?;
    let client = ReviewClient::new(&c.net.relay, c.net.proxy.as_deref())?;
    let dir = c.net.directory(client.relay()).await?;
    let cache = match &c.cache {
        Some(p) => p.clone(),
        None => default_cache(&secret.id)?,
    };
    let mut retired = Vec::new();
    for path in &c.retired_identity {
        let pass = passphrase(&c.pass, &format!("the retired key file {}", path.display()), false)?;
        match read_key_file(path, &pass)? {
            SecretKeyFile::Reviewer(old) if old.id == secret.id => retired.push(old.identity().clone()),
            SecretKeyFile::Reviewer(old) => {
                bail!("{} holds the keys of {}, not of {}", path.display(), old.id, secret.id)
            }
            SecretKeyFile::Root(_) => bail!("{} is the organisation root key, not a reviewer's", path.display()),
        }
    }
    let mut session = match ReviewSession::open_with_retired(secret, retired, dir, client, &cache) {
        Err(candour_review::ReviewError::Cache(
            e @ (candour_review::cache::CacheError::CannotOpen(_) | candour_review::cache::CacheError::Format { .. }),
        )) if cache.exists() => bail!(
            "{e}. Nothing was changed. If this is your cache and it was damaged, `candour review sync \
             --recover-cache` keeps it aside and starts again from the copy before the last save, then syncs"
        ),
        other => other?,
    };
    session.set_max_entry_bytes(c.max_entry_mib.saturating_mul(1 << 20));
    Ok(session)
}

/// Syncs unless told not to; returns the exit status the command should end with.
pub(super) async fn maybe_sync(s: &mut ReviewSession, no_sync: bool) -> anyhow::Result<ExitCode> {
    if no_sync {
        return Ok(ExitCode::SUCCESS);
    }
    let report = s.sync().await?;
    finish(&report)
}

/// Names on stderr everything that failed verification or vanished; the exit status says
/// whether there was any.
pub(super) fn finish(report: &SyncReport) -> anyhow::Result<ExitCode> {
    for (case, problem) in &report.tampered {
        eprintln!("candour: TAMPERING: case {case}: {problem}");
    }
    for v in &report.vanished {
        eprintln!("candour: GONE BEFORE ITS TIME: {v}");
    }
    for r in &report.rejected {
        eprintln!("candour: refused: {r}");
    }
    for m in &report.malformed {
        eprintln!("candour: not an envelope Candour writes: {m}");
    }
    for f in &report.flagged {
        eprintln!("candour: routing to ask about: {f}");
    }
    for (case, note) in &report.incomplete {
        eprintln!("candour: case {case}: {note}");
    }
    for d in &report.deferred {
        eprintln!("candour: not taken in yet: {d}");
    }
    if report.held_too_large {
        eprintln!("candour: `candour review sync --max-entry-mib N` takes in entries up to N MiB.");
    }
    if report.held_given_up {
        eprintln!("candour: `candour review sync --retry-deferred` tries the given-up entries again.");
    }
    if let Some(held) = &report.receipts_held {
        eprintln!("candour: {held}");
    }
    print_forgotten(&report.forgotten);
    for (case, why) in &report.kept {
        eprintln!("candour: case {case}: {why}");
    }
    let clean = report.tampered.is_empty()
        && report.vanished.is_empty()
        && report.rejected.is_empty()
        && report.malformed.is_empty();
    Ok(if !clean {
        ExitCode::from(EXIT_TAMPERED)
    } else if !report.deferred.is_empty() || report.receipts_held.is_some() {
        ExitCode::from(EXIT_DEFERRED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Says which cases were forgotten and why, and names every saved file left to remove by hand.
pub(super) fn print_forgotten(forgotten: &[candour_review::session::Forgotten]) {
    for f in forgotten {
        eprintln!(
            "candour: case {} forgotten here ({}); {} saved attachment file(s) removed",
            f.case, f.why, f.files_removed
        );
        for (path, error) in &f.files_left {
            eprintln!("candour: REMOVE BY HAND: {} could not be removed: {error}", path.display());
        }
    }
}

/// Refuses to write to the relay while any case stream fails verification.
pub(super) fn require_clean(report: &SyncReport) -> anyhow::Result<()> {
    finish(report)?;
    if !report.tampered.is_empty() {
        bail!(
            "not recorded: {} case stream(s) failed verification (see above); report this to your supervisor",
            report.tampered.len()
        );
    }
    Ok(())
}

pub(super) fn print_sync(report: &SyncReport, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!(
            "{} inbox entries: {} new reports, {} follow-ups, {} escalations to you, {} for other queues, {} \
             malformed, {} not taken in yet; {} new case events; {} receipts filed.",
            report.inbox_entries,
            report.reports,
            report.follow_ups,
            report.escalations,
            report.skipped,
            report.malformed.len(),
            report.deferred.len(),
            report.new_events,
            report.receipts
        );
    }
    finish(report)
}
