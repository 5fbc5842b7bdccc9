//! Writing outputs atomically: a temporary file in the target directory, renamed into place,
//! so a reader never sees half a file and a failure leaves nothing behind.

use std::io::Write;
use std::path::Path;

use crosshedge_core::align::{Panel, ReturnPanel};

use crate::DataError;

/// Writes `bytes` to `path` atomically (temp file + rename in the same directory).
///
/// # Errors
/// [`DataError::Write`] on any I/O failure; the target is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DataError> {
    let err = |source| DataError::Write { path: path.display().to_string(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".crosshedge-").tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    // Temporary files are created private (0600); outputs are ordinary files (0644).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(err)?;
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// The CSV text of a return panel: `date,start_date,<name>_<kind>...`.
pub fn returns_csv(r: &ReturnPanel) -> String {
    let mut s = String::with_capacity(r.len() * (12 + 24 * r.names.len()));
    s.push_str("date,start_date");
    for (n, k) in r.names.iter().zip(&r.kinds) {
        s.push_str(&format!(",{n}_{k}"));
    }
    s.push('\n');
    for i in 0..r.len() {
        s.push_str(&format!("{},{}", r.dates[i], r.start_dates[i]));
        for c in &r.columns {
            s.push_str(&format!(",{:e}", c[i]));
        }
        s.push('\n');
    }
    s
}

/// The CSV text of a level panel: `date,<name>...,<name>_stale...` (stale columns only under
/// `crypto-days` and `weekly`, where carrying happens).
pub fn levels_csv(p: &Panel) -> String {
    let mut s = String::new();
    s.push_str("date");
    for n in &p.names {
        s.push_str(&format!(",{n}"));
    }
    for n in &p.names {
        s.push_str(&format!(",{n}_stale"));
    }
    s.push('\n');
    for i in 0..p.len() {
        s.push_str(&p.dates[i].to_string());
        for c in &p.levels {
            s.push_str(&format!(",{}", c[i]));
        }
        for c in &p.stale {
            s.push_str(if c[i] { ",1" } else { ",0" });
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, b"a\n").unwrap();
        write_atomic(&p, b"b\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(&dir.path().join("missing/x.csv"), b"x").is_err());
    }
}
