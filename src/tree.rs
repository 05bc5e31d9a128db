//! In-memory file trees: relative path → contents; writing and diffing them.
