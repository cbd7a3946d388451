//! Backing up and restoring the embedded SQLite database: `meeting-manager backup --to FILE`
//! copies it consistently while the server goes on serving; `meeting-manager restore --from FILE`
//! puts a copy back while no server runs on it, keeping the database it replaces. PostgreSQL has
//! its own tools (`pg_dump`, `pg_restore`), which these commands point to.
//!
//! Every server process on a SQLite file holds a shared lock on `FILE.lock` for its life; a
//! restore takes it exclusively, so it cannot swap the file under a running server, and a
//! server cannot start in the middle of a restore.

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use mm_store::Store;

/// The SQLite file `url` names; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The lock file beside a database file.
fn lock_path(database: &Path) -> PathBuf {
    with_suffix(database, ".lock")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Held by a server for its life: the shared lock that keeps restores away from its database.
#[derive(Debug)]
pub struct Serving {
    _lock: Option<File>,
}

/// Takes the shared lock of the SQLite file `url` names (nothing for PostgreSQL); refuses while a
/// restore runs.
pub fn serving(url: &str) -> anyhow::Result<Serving> {
    let Some(database) = sqlite_file(url) else {
        return Ok(Serving { _lock: None });
    };
    let lock = open_lock(&database)?;
    if lock.try_lock_shared().is_err() {
        bail!(
            "{} is being restored (`meeting-manager restore`); start the server when it is done",
            database.display()
        );
    }
    Ok(Serving { _lock: Some(lock) })
}

fn open_lock(database: &Path) -> anyhow::Result<File> {
    let path = lock_path(database);
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))
}

/// Copies the database `url` names into `to` (which must not exist), consistently, while
/// servers go on using it; checks the copy and says what it wrote.
pub async fn back_up(url: &str, to: &Path) -> anyhow::Result<String> {
    let Some(database) = sqlite_file(url) else {
        bail!(
            "`backup` copies the embedded SQLite database; for PostgreSQL use its own tools, \
             which copy consistently while the servers run: \
             `pg_dump --format=custom --file=FILE \"$MM_DATABASE_URL\"` (and `pg_restore`)"
        );
    };
    if !database.is_file() {
        bail!("there is no database at {}", database.display());
    }
    if to.exists() {
        bail!(
            "{} exists already: a backup never overwrites a file",
            to.display()
        );
    }
    let store = Store::connect(url).await.context("opening the database")?;
    store
        .back_up_into(to)
        .await
        .with_context(|| format!("writing {}", to.display()))?;
    let verdict = check(to).await?;
    let bytes = std::fs::metadata(to)?.len();
    Ok(format!(
        "backed up {} into {} ({bytes} bytes, {verdict})",
        database.display(),
        to.display()
    ))
}

/// Puts the backup `from` in place of the database `url` names, once no server runs on it; the
/// database it replaces (with its write-ahead log) is kept beside it. Says what it did.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<String> {
    let Some(database) = sqlite_file(url) else {
        bail!(
            "`restore` replaces the embedded SQLite database; for PostgreSQL restore a `pg_dump` \
             file with `pg_restore --clean --if-exists --dbname=\"$MM_DATABASE_URL\" FILE`"
        );
    };
    if !from.is_file() {
        bail!("there is no backup at {}", from.display());
    }
    check(from).await?;
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let lock = open_lock(&database)?;
    if lock.try_lock().is_err() {
        bail!(
            "a server is running on {}: stop it before restoring",
            database.display()
        );
    }
    let staged = with_suffix(&database, ".restoring");
    std::fs::copy(from, &staged)
        .with_context(|| format!("copying {} to {}", from.display(), staged.display()))?;
    let kept = if database.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = with_suffix(&database, &format!(".replaced-{stamp}"));
        for part in ["", "-wal", "-shm"] {
            let file = with_suffix(&database, part);
            if file.exists() {
                let moved = with_suffix(&kept, part);
                std::fs::rename(&file, &moved)
                    .with_context(|| format!("moving {} aside", file.display()))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staged, &database)
        .with_context(|| format!("putting the backup in place at {}", database.display()))?;
    Ok(match kept {
        Some(kept) => format!(
            "restored {} into {}; the database it replaced is kept as {}",
            from.display(),
            database.display(),
            kept.display()
        ),
        None => format!("restored {} into {}", from.display(), database.display()),
    })
}

/// Whether the SQLite file at `path` is a whole Meeting Manager database: its verdict, or why
/// not.
async fn check(path: &Path) -> anyhow::Result<&'static str> {
    let (verdict, migrations) = Store::inspect_sqlite_file(path)
        .await
        .with_context(|| format!("reading {}", path.display()))?;
    if verdict != "ok" {
        bail!("{} is damaged: {verdict}", path.display());
    }
    if migrations == 0 {
        bail!("{} is not a Meeting Manager database", path.display());
    }
    Ok("integrity ok")
}
