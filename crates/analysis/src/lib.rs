//! Analysis: pure functions of the local store.

pub mod clv;
