//! Backup and restore of the sled store (`candour store backup|restore|check`; deploy/README.md
//! "Backups").
//!
//! sled gives no consistent copy of a database another process is writing, so a backup is taken
//! with the relay stopped: [`backup`] opens the store first, which takes every epoch database's
//! lock (a running relay holds them, and the backup is refused in plain words), copies the whole
//! data folder while it holds them, and then reads every entry of the copy back, each checked as
//! the relay checks what it serves. A backup is therefore a data folder: [`restore`] copies one
//! into an empty folder and reads it back the same way, and a relay started on it serves what
//! the original served, under the same numbers. Only ciphertext is copied: a backup tells whoever
//! holds it what the disk told (docs/design.md §1.6), no more. The PostgreSQL store has its own
//! procedure (deploy/postgresql/README.md: `pg_basebackup`, WAL archiving, the restore drill).

use std::path::{Path, PathBuf};

use crate::store::{read_blob, SledStore, Store, StoreError};
use crate::RelayError;

/// What a backup, restore or check read back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Places holding entries: the inbox, case streams, mailboxes.
    pub places: usize,
    /// Entries read back whole.
    pub entries: usize,
    /// Their bytes.
    pub bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} entries ({} bytes) in {} places, every one read back whole",
            self.entries, self.bytes, self.places
        )
    }
}

/// Copies the sled data folder `data` into `out` (which must not exist) with the relay
/// stopped, then reads every entry of the copy back.
pub fn backup(data: &Path, out: &Path) -> Result<Summary, RelayError> {
    if !data.is_dir() {
        return Err(RelayError::Config(format!("{} is not a data folder", data.display())));
    }
    refuse_existing(out)?;
    // Held while copying: no relay can start on the folder, and none is running (or this fails).
    let store = open(data)?;
    copy_into_new(data, out)?;
    drop(store);
    check(out)
}

/// Copies a backup made by [`backup`] into `data` (which must not exist, or be empty), then
/// reads every entry back.
pub fn restore(from: &Path, data: &Path) -> Result<Summary, RelayError> {
    // The backup must itself read back whole before anything is put in place.
    check(from)?;
    if data.exists() {
        let empty = std::fs::read_dir(data)?.next().is_none();
        if !empty {
            return Err(RelayError::Config(format!(
                "{} is not empty: restore only into a new data folder, so nothing there is lost",
                data.display()
            )));
        }
        std::fs::remove_dir(data)?;
    }
    copy_into_new(from, data)?;
    check(data)
}

/// Opens the store in `data` and reads every entry of every place back, each checked as the
/// relay checks what it serves (chunk by chunk, length and integrity).
pub fn check(data: &Path) -> Result<Summary, RelayError> {
    let store = open(data)?;
    let mut summary = Summary::default();
    for place in store.places()? {
        summary.places += 1;
        for info in store.list(place, None, usize::MAX)? {
            let blob = read_blob(&store, place, info.seq)?
                .ok_or(RelayError::Store(StoreError::Corrupt("an entry listed in the backup does not read back")))?;
            summary.entries += 1;
            summary.bytes += blob.as_bytes().len() as u64;
        }
    }
    Ok(summary)
}

fn open(data: &Path) -> Result<SledStore, RelayError> {
    if in_use(data)? {
        return Err(RelayError::Config(format!(
            "{} is in use, most likely by a running relay: stop it first (sled keeps no consistent copy of a \
             database while it is written), then back up, then start it again",
            data.display()
        )));
    }
    Ok(SledStore::open(data)?)
}

/// Whether a process holds the lock sled takes on an epoch database (a running relay does).
/// Asked before opening: sled's own refusal does not say why.
fn in_use(data: &Path) -> Result<bool, RelayError> {
    use fs2::FileExt as _;
    for entry in std::fs::read_dir(data)? {
        let db = entry?.path().join("db");
        if !db.is_file() {
            continue;
        }
        let file = std::fs::File::open(&db)?;
        match file.try_lock_exclusive() {
            Ok(()) => fs2::FileExt::unlock(&file)?,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.raw_os_error() == Some(11) => return Ok(true),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

fn refuse_existing(out: &Path) -> Result<(), RelayError> {
    if out.exists() {
        return Err(RelayError::Config(format!("{} exists already: a backup goes into a new folder", out.display())));
    }
    Ok(())
}

/// Copies the folder `from` to `to` (which must not exist) by way of a temporary sibling, so a
/// copy cut short never looks finished. Files are fsynced, and the folders holding them.
fn copy_into_new(from: &Path, to: &Path) -> Result<(), RelayError> {
    refuse_existing(to)?;
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into());
    let parent =
        to.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let partial = parent.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    copy_tree(from, &partial)?;
    std::fs::rename(&partial, to)?;
    std::fs::File::open(&parent)?.sync_all()?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), RelayError> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
            std::fs::File::open(&target)?.sync_all()?;
        }
    }
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}
