//! The raw response cache: content-addressed under a directory.
//!
//! `objects/<sha256 of the body>` holds each distinct body once; `requests/<sha256 of the
//! request key>` holds the SHA-256 of the body last received for that request (the key is
//! the vendor host's name and the documented path and query, so a cache filled through a
//! `--base-url` override serves the same request offline). Every file is written atomically
//! (temporary file + rename); a body whose hash no longer matches its name is refused.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crosshedge_data::import::sha256_hex;

use crate::FetchError;

/// A raw cache directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCache {
    dir: PathBuf,
}

impl RawCache {
    /// The cache at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn err(&self, message: String) -> FetchError {
        FetchError::Cache { path: self.dir.display().to_string(), message }
    }

    /// The cached body of request `key`, if any.
    ///
    /// # Errors
    /// [`FetchError::Cache`] for an unreadable or corrupt entry.
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FetchError> {
        let req = self.dir.join("requests").join(sha256_hex(key.as_bytes()));
        let Ok(hash) = std::fs::read_to_string(&req) else { return Ok(None) };
        let hash = hash.trim();
        let body = std::fs::read(self.dir.join("objects").join(hash))
            .map_err(|e| self.err(format!("object {hash} of {key}: {e}")))?;
        if sha256_hex(&body) != hash {
            return Err(self.err(format!("object {hash} is corrupt (its SHA-256 differs)")));
        }
        Ok(Some(body))
    }

    /// Stores `body` as the response to request `key`.
    ///
    /// # Errors
    /// [`FetchError::Cache`] when the directory cannot be written.
    pub fn put(&self, key: &str, body: &[u8]) -> Result<(), FetchError> {
        let hash = sha256_hex(body);
        let objects = self.dir.join("objects");
        let requests = self.dir.join("requests");
        for d in [&objects, &requests] {
            std::fs::create_dir_all(d)
                .map_err(|e| self.err(format!("cannot create {}: {e}", d.display())))?;
        }
        let obj = objects.join(&hash);
        if !obj.exists() {
            self.write_atomic(&objects, &obj, body)?;
        }
        self.write_atomic(&requests, &requests.join(sha256_hex(key.as_bytes())), hash.as_bytes())
    }

    fn write_atomic(&self, dir: &Path, to: &Path, bytes: &[u8]) -> Result<(), FetchError> {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| self.err(format!("temporary file: {e}")))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| self.err(format!("write: {e}")))?;
        tmp.persist(to).map_err(|e| self.err(format!("rename to {}: {e}", to.display())))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trip_dedup_and_corruption() {
        let tmp = tempfile::tempdir().unwrap();
        let c = RawCache::new(tmp.path().join("c"));
        assert_eq!(c.get("CBOE/x").unwrap(), None);
        c.put("CBOE/x", b"DATE,CLOSE\n").unwrap();
        c.put("CBOE/y", b"DATE,CLOSE\n").unwrap();
        assert_eq!(c.get("CBOE/y").unwrap().unwrap(), b"DATE,CLOSE\n");
        assert_eq!(
            std::fs::read_dir(tmp.path().join("c/objects")).unwrap().count(),
            1,
            "one body stored once"
        );
        let obj = tmp.path().join("c/objects").join(sha256_hex(b"DATE,CLOSE\n"));
        std::fs::write(obj, b"tampered").unwrap();
        assert!(c.get("CBOE/x").unwrap_err().to_string().contains("corrupt"));
    }
}
