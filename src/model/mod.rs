//! The typed domain: what a platform is, independent of any file format or output target.
//!
//! A [`Platform`] is built by the spec loader or directly from Rust; [`validate`] checks the
//! rules that types cannot express, and reports problems by spec field path. Derived facts that
//! generators share live beside it: [`cidr`] (the subnet layout), [`regions`] (AZ names), [`aws`] (Regions, zones and EKS versions, from `data/aws.toml`),
//! [`naming`] (resource names within AWS limits), [`tags`] (the merged tag set).

pub mod aws;
pub mod cidr;
pub mod ec2;
pub mod ecr;
pub mod ecs_service;
pub mod fargate;
pub mod kept;
pub mod naming;
mod per_env;
mod platform;
pub mod regions;
pub mod tags;
pub mod validate;

pub use per_env::PerEnv;
pub use platform::*;
