//! `report` (being moved from the binary).
