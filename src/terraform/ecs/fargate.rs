//! Fargate task sizes as an HCL precondition; the table itself is `model::fargate`.

pub use crate::model::fargate::*;

/// A Terraform condition that holds when `var.cpu` and `var.memory` are a Fargate task size:
/// `contains(lookup({ "256" = [512, 1024, 2048], "512" = range(1024, 4097, 1024), ... },
/// tostring(var.cpu), []), var.memory)`.
pub fn hcl_condition() -> String {
    let sizes: Vec<String> = TASK_SIZES
        .iter()
        .map(|(cpu, memory)| {
            let allowed = match memory {
                MemoryChoice::Listed(values) => format!(
                    "[{}]",
                    values
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                MemoryChoice::Range { min, max, step } => {
                    format!("range({min}, {}, {step})", max + 1)
                }
            };
            format!("\"{cpu}\" = {allowed}")
        })
        .collect();
    format!(
        "contains(lookup({{ {} }}, tostring(var.cpu), []), var.memory)",
        sizes.join(", ")
    )
}
