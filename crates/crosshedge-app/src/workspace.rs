//! The workspace every job runs in: the store (opened on first use), its path, the data
//! directory, and a per-workspace cache so that one user action loads each series once.

use std::any::Any;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crosshedge_core::series::Series;
use crosshedge_data::store::Store;

use crate::AppError;

/// The data directory used when none is given: the shared data beside a checkout
/// (`../shared/data`). A user overrides it with `--data-dir` / `CROSSHEDGE_DATA_DIR`
/// (CLI), the `data_dir` of the server's configuration or Python's `Workspace(data_dir=..)`.
pub const DEFAULT_DATA_DIR: &str = "../shared/data";

/// Where a workspace's store and data live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceConfig {
    /// The store (SQLite file).
    pub store: PathBuf,
    /// The directory of vendor files (settlement files, manifests' data).
    pub data_dir: PathBuf,
}

impl Default for WorkspaceConfig {
    fn default() -> Self {
        Self { store: PathBuf::from("crosshedge.db"), data_dir: PathBuf::from(DEFAULT_DATA_DIR) }
    }
}

/// A loaded series' key: its name and the requested date range.
type SeriesKey = (String, Option<NaiveDate>, Option<NaiveDate>);

/// A memoised result's key: what was computed (`"measure"`, `"pair"`) and the request as JSON.
type MemoKey = (&'static str, String);

/// The open workspace. Not `Sync`: a server holds one per worker or behind a lock.
///
/// The store is opened when a job first needs it, so jobs without one (`price option`) run
/// where no store exists. Series loaded through [`Workspace::load`] are cached by
/// `(name, from, to)` for the workspace's life; a job that writes to the store clears the
/// cache ([`Workspace::store_mut`]).
pub struct Workspace {
    config: WorkspaceConfig,
    store: OnceCell<Store>,
    cache: RefCell<HashMap<SeriesKey, Series>>,
    loads: Cell<usize>,
    memo: RefCell<HashMap<MemoKey, Box<dyn Any>>>,
    computed: RefCell<HashMap<&'static str, usize>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("config", &self.config)
            .field("open", &self.store.get().is_some())
            .field("store_loads", &self.loads.get())
            .finish()
    }
}

impl Workspace {
    /// A workspace on `config`; nothing is opened yet.
    pub fn new(config: WorkspaceConfig) -> Self {
        Self {
            config,
            store: OnceCell::new(),
            cache: RefCell::default(),
            loads: Cell::new(0),
            memo: RefCell::default(),
            computed: RefCell::default(),
        }
    }

    /// A workspace on the store at `store` with the default data directory.
    pub fn at(store: impl Into<PathBuf>) -> Self {
        Self::new(WorkspaceConfig { store: store.into(), ..WorkspaceConfig::default() })
    }

    /// The store's path.
    pub fn store_path(&self) -> &Path {
        &self.config.store
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// The configuration.
    pub fn config(&self) -> &WorkspaceConfig {
        &self.config
    }

    /// The existing store, opened read-only on first use ([`Store::open_existing`]): reading
    /// never writes, so it works in a read-only directory and never alters a file that is not
    /// a crosshedge store.
    ///
    /// # Errors
    /// An input error when there is no store at the path or the file is not a crosshedge
    /// store; an analysis error when SQLite fails.
    pub fn store(&self) -> Result<&Store, AppError> {
        if let Some(s) = self.store.get() {
            return Ok(s);
        }
        let s = Store::open_existing(&self.config.store)?;
        Ok(self.store.get_or_init(|| s))
    }

    /// The store for writing, created when missing (a read-only store opened by
    /// [`Workspace::store`] is reopened for writing); clears the series cache.
    ///
    /// # Errors
    /// As [`Store::open`]: an input error when the file is not a crosshedge store.
    pub fn store_mut(&mut self) -> Result<&mut Store, AppError> {
        self.cache.get_mut().clear();
        self.memo.get_mut().clear();
        if self.store.get().is_some_and(Store::is_read_only) {
            self.store = OnceCell::new();
        }
        if self.store.get().is_none() {
            let s = Store::open(&self.config.store)?;
            let _ = self.store.set(s);
        }
        self.store.get_mut().ok_or_else(|| AppError::analysis("store not open"))
    }

    /// The current values of series `name` in `[from, to]`, loaded from the store once per
    /// workspace and cloned from the cache afterwards.
    ///
    /// # Errors
    /// As [`Store::load`]: an input error for an unknown series.
    pub fn load(
        &self,
        name: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Series, AppError> {
        let key = (name.to_string(), from, to);
        if let Some(s) = self.cache.borrow().get(&key) {
            return Ok(s.clone());
        }
        let s = self.store()?.load(name, from, to)?;
        self.loads.set(self.loads.get() + 1);
        self.cache.borrow_mut().insert(key, s.clone());
        Ok(s)
    }

    /// How many series this workspace has read from the store (cache misses): what the
    /// compute-once test of `report` counts.
    pub fn store_loads(&self) -> usize {
        self.loads.get()
    }

    /// The result of `compute` for `(kind, key)`, computed once per workspace and cloned from
    /// the cache afterwards (`key` is the request as JSON, so equal requests share a result).
    /// Jobs use it for work that several jobs of one user action repeat: the measurement of
    /// the book (`measure`), the aligned pair (`pair`). A failed computation is not cached.
    ///
    /// # Errors
    /// Whatever `compute` returns.
    pub fn memo<T: Clone + 'static>(
        &self,
        kind: &'static str,
        key: String,
        compute: impl FnOnce() -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let k = (kind, key);
        if let Some(v) = self.memo.borrow().get(&k).and_then(|b| b.downcast_ref::<T>()) {
            return Ok(v.clone());
        }
        let v = compute()?;
        *self.computed.borrow_mut().entry(kind).or_insert(0) += 1;
        self.memo.borrow_mut().insert(k, Box::new(v.clone()));
        Ok(v)
    }

    /// How many times this workspace has computed `kind` through [`Workspace::memo`] (cache
    /// misses): the compute-once test of `report` counts `measure` and `pair`.
    pub fn computations(&self, kind: &str) -> usize {
        self.computed.borrow().get(kind).copied().unwrap_or(0)
    }
}
