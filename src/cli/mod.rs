//! The command line's plumbing around the library: standard output that survives a closed
//! pipe, progress only on a terminal, and the machine-readable forms of its reports (JSON,
//! GitHub workflow commands).

pub mod github;
pub mod report;
pub mod stdout;
