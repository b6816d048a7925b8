#!/bin/sh
# A nightly base backup of the Candour relay's database, and expiry of old backups and WAL
# (deploy/postgresql/README.md). Run as postgres on the primary, from candour-pg-backup.timer.
#
# KEEP_DAYS must stay below the relay's retention_epoch_days (28 by default): a purged epoch's
# chunks and key live on in backups and archived WAL until those are deleted, so this bounds
# how long after expiry a purged report could still be recovered from them.
set -eu
# Debian keeps pg_verifybackup with the server's binaries, off the PATH.
PATH="/usr/lib/postgresql/${PG_MAJOR:-15}/bin:$PATH"
ARCHIVE=${ARCHIVE:-/var/lib/postgresql/candour-archive}
KEEP_DAYS=${KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ARCHIVE/base" "$ARCHIVE/wal"
# A plain backup with the WAL it needs, checked by pg_verifybackup (against its manifest, WAL
# included) before it counts.
pg_basebackup -D "$ARCHIVE/base/$stamp.partial" -F plain -X stream -c fast --manifest-checksums=SHA256
pg_verifybackup "$ARCHIVE/base/$stamp.partial"
mv "$ARCHIVE/base/$stamp.partial" "$ARCHIVE/base/$stamp"
# Older backups, and WAL older than the oldest backup kept, go.
find "$ARCHIVE/base" -mindepth 1 -maxdepth 1 -type d -mtime +"$KEEP_DAYS" -exec rm -rf {} +
oldest=$(ls -1 "$ARCHIVE/base" | grep -v partial | head -n 1)
if [ -n "$oldest" ]; then
  find "$ARCHIVE/wal" -type f ! -newer "$ARCHIVE/base/$oldest" -delete
fi
