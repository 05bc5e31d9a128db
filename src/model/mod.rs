//! The typed domain: what a platform is, independent of any file format or output target.
//!
//! A [`Platform`] is built by the spec loader or directly from Rust; [`validate`] checks the
//! rules that types cannot express, and reports problems by spec field path.

pub mod cidr;
pub mod naming;
mod per_env;
mod platform;
pub mod regions;
pub mod tags;
pub mod validate;

pub use per_env::PerEnv;
pub use platform::*;
