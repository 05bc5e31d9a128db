//! iacgen: typed models of an AWS platform compiled into a Terraform repository.
//!
//! Pipeline: [`spec`] (file → located document → model) → [`model`] (typed, validated) →
//! [`terraform`] (model → [`tree::Tree`] of files) → [`tree`] (write, diff).

pub mod hcl;
pub mod model;
pub mod spec;
pub mod state;
pub mod terraform;
pub mod tree;
