//! Schema migrations, versioned in `migrations/`: each runs once, in order, in one
//! transaction with the version it brings, under an advisory lock so two relays starting at
//! once do not both run it.

use postgres::Client;

use crate::{db_error, OpenError};

/// Every migration, in order: version `i + 1` is `MIGRATIONS[i]`.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_entries.sql")];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The transaction advisory lock migrations run under.
const MIGRATION_LOCK: i64 = 0x6361_6e64_6f75_7203;

/// Brings the database to [`SCHEMA_VERSION`], refusing one that is newer.
pub(crate) fn migrate(client: &mut Client) -> Result<(), OpenError> {
    let mut tx = client.transaction().map_err(|e| db_error(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(|e| db_error(&e))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS candour_schema (version integer NOT NULL)")
        .map_err(|e| db_error(&e))?;
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM candour_schema", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| db_error(&e))?;
    if found > SCHEMA_VERSION {
        return Err(OpenError::SchemaTooNew { found, known: SCHEMA_VERSION });
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
        tx.batch_execute(migration).map_err(|e| db_error(&e))?;
        let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute("DELETE FROM candour_schema", &[]).map_err(|e| db_error(&e))?;
        tx.execute("INSERT INTO candour_schema (version) VALUES ($1)", &[&version]).map_err(|e| db_error(&e))?;
    }
    tx.commit().map_err(|e| db_error(&e))?;
    Ok(())
}
