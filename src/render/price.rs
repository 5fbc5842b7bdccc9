//! The human renderings of the `crosshedge price` subcommands.

pub mod curve;
pub mod lp;
pub mod option;
pub mod parity;
pub mod perp;
pub mod structure;
