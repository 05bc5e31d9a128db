//! The CPU and memory combinations Fargate accepts for Linux tasks.

/// Memory sizes (MiB) allowed with one CPU size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryChoice {
    /// Exactly these values.
    Listed(&'static [u32]),
    /// From `min` to `max` inclusive, in steps of `step`.
    Range { min: u32, max: u32, step: u32 },
}

impl MemoryChoice {
    pub fn allows(self, memory: u32) -> bool {
        match self {
            MemoryChoice::Listed(values) => values.contains(&memory),
            MemoryChoice::Range { min, max, step } => {
                (min..=max).contains(&memory) && (memory - min).is_multiple_of(step)
            }
        }
    }

    /// Every allowed value, smallest first.
    pub fn values(self) -> Vec<u32> {
        match self {
            MemoryChoice::Listed(values) => values.to_vec(),
            MemoryChoice::Range { min, max, step } => (min..=max).step_by(step as usize).collect(),
        }
    }

    /// `2048–8192 in steps of 1024`, or `512, 1024, 2048`.
    pub fn describe(self) -> String {
        match self {
            MemoryChoice::Listed(values) => values
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            MemoryChoice::Range { min, max, step } => {
                format!("{min}–{max} in steps of {step}")
            }
        }
    }
}

/// Fargate task sizes: CPU units and the memory each allows (Linux, platform version 1.4.0).
pub const TASK_SIZES: [(u32, MemoryChoice); 7] = [
    (256, MemoryChoice::Listed(&[512, 1024, 2048])),
    (
        512,
        MemoryChoice::Range {
            min: 1024,
            max: 4096,
            step: 1024,
        },
    ),
    (
        1024,
        MemoryChoice::Range {
            min: 2048,
            max: 8192,
            step: 1024,
        },
    ),
    (
        2048,
        MemoryChoice::Range {
            min: 4096,
            max: 16384,
            step: 1024,
        },
    ),
    (
        4096,
        MemoryChoice::Range {
            min: 8192,
            max: 30720,
            step: 1024,
        },
    ),
    (
        8192,
        MemoryChoice::Range {
            min: 16384,
            max: 61440,
            step: 4096,
        },
    ),
    (
        16384,
        MemoryChoice::Range {
            min: 32768,
            max: 122880,
            step: 8192,
        },
    ),
];

/// The memory sizes allowed with `cpu`, or `None` when `cpu` is not a Fargate CPU size.
pub fn memory_choice(cpu: u32) -> Option<MemoryChoice> {
    TASK_SIZES
        .iter()
        .find(|(c, _)| *c == cpu)
        .map(|(_, memory)| *memory)
}

/// Checks a task size; the error says what would be valid, e.g.
/// `memory 512 is not valid with cpu 1024 (valid: 2048–8192 in steps of 1024)`.
pub fn check(cpu: u32, memory: u32) -> Result<(), String> {
    match memory_choice(cpu) {
        None => Err(format!(
            "cpu {cpu} is not a Fargate CPU size (valid: {})",
            cpu_sizes().join(", ")
        )),
        Some(choice) if !choice.allows(memory) => Err(format!(
            "memory {memory} is not valid with cpu {cpu} (valid: {})",
            choice.describe()
        )),
        Some(_) => Ok(()),
    }
}

fn cpu_sizes() -> Vec<String> {
    TASK_SIZES.iter().map(|(c, _)| c.to_string()).collect()
}

/// Every valid pair, for messages: `cpu 256: 512, 1024, 2048; cpu 512: 1024–4096 in steps of 1024; ...`.
pub fn summary() -> String {
    TASK_SIZES
        .iter()
        .map(|(cpu, memory)| format!("cpu {cpu}: {}", memory.describe()))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_ranges_and_lists() {
        assert_eq!(
            check(1024, 512).unwrap_err(),
            "memory 512 is not valid with cpu 1024 (valid: 2048–8192 in steps of 1024)"
        );
        assert_eq!(
            check(256, 1536).unwrap_err(),
            "memory 1536 is not valid with cpu 256 (valid: 512, 1024, 2048)"
        );
        assert!(check(300, 512).unwrap_err().contains("256, 512, 1024"));
    }

    #[test]
    fn range_values_match_allows() {
        for (_, choice) in TASK_SIZES {
            for m in choice.values() {
                assert!(choice.allows(m));
            }
        }
    }
}
