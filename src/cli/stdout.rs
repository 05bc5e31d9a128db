//! Standard output and standard error as a command line tool should use them.
//!
//! Rust ignores SIGPIPE, so a write to a pipe whose reader has gone (`iacgen diff ... | head -1`)
//! fails with `BrokenPipe`, and `println!` panics on it. Results go through [`Stdout`] instead:
//! once the reader has gone the rest is dropped and the command still finishes and exits with
//! its own code (the answer of `diff` or `plan` does not depend on who reads it).

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

pub struct Stdout {
    /// The reader has gone: drop the rest.
    closed: bool,
    /// `--quiet`: no notes, only what the user asked for (a report in a format, a schema).
    quiet: bool,
}

impl Stdout {
    pub fn new(quiet: bool) -> Self {
        Self {
            closed: false,
            quiet,
        }
    }

    /// Writes `text` as is: a result the command was asked for.
    pub fn print(&mut self, text: &str) -> Result<(), String> {
        if self.closed || text.is_empty() {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(format!("error: cannot write to standard output: {e}")),
        }
    }

    /// One line of a result.
    pub fn line(&mut self, text: impl Display) -> Result<(), String> {
        self.print(&format!("{text}\n"))
    }

    /// One line for a person reading along (what was written, "valid"): left out with
    /// `--quiet`, where the exit code is the answer.
    pub fn note(&mut self, text: impl Display) -> Result<(), String> {
        if self.quiet {
            return Ok(());
        }
        self.line(text)
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }
}

/// A line on standard error; a closed standard error is not worth a panic.
pub fn error(text: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// What the command is doing, for a person watching a terminal: never in a pipe or a CI log,
/// where it would mix with what a program reads, and never with `--quiet`.
pub fn progress(quiet: bool, text: impl Display) {
    if !quiet && io::stderr().is_terminal() {
        error(text);
    }
}
