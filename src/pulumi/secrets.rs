//! The project README's section on secrets (the component itself is `describe::secrets`,
//! rendered by `render`).
//!
//! Generated values are the one deliberate difference from Terraform: Terraform writes an
//! ephemeral password through the write-only `secret_string_wo`, so no value is ever in its
//! state. Pulumi has no ephemeral resources, and it records every input in the state, write-only
//! ones included (pulumi-aws 7 has `secret_string_wo`, but Pulumi still stores its first value,
//! as a secret, in the state inputs, and shows no later change to it). So the value comes from
//! `pulumi_random.RandomPassword`, whose `result` is a secret output that the stack's secrets
//! provider encrypts in the state, into the plain `secret_string`.

use super::component::{Component, wrap};
use super::py::Stmt;
use crate::describe::secrets::{key_readers, readme_value, set_by_hand};
use crate::model::{Platform, naming};

/// Why generated values live in Pulumi's state, for the README.
const GENERATED_VALUES: &str = "Generated values come from pulumi_random.RandomPassword: its \
    result is a secret output, which the stack's secrets provider encrypts in the state. \
    Terraform keeps them out of its state altogether (an ephemeral password written through the \
    write-only secret_string_wo); Pulumi has no ephemeral resources and records every input in \
    the state, write-only ones included, so secret_string_wo would not keep the value out and \
    would hide later changes to it.";

/// The secrets component (which must have at least one secret): the description rendered,
/// with Pulumi's own account of where generated values are kept (the description's summary
/// speaks of Terraform's state).
pub fn component(platform: &Platform) -> Component {
    let mut component = super::render::component(&crate::describe::secrets::component(platform));
    let secrets = || platform.secrets.values();
    let mut doc = "The secrets of one environment in Secrets Manager, encrypted with the\n\
                   component's KMS key and closed to other accounts."
        .to_string();
    if secrets().any(|s| s.generate.is_some()) {
        doc.push_str("\n\n");
        doc.push_str(&wrap(GENERATED_VALUES, 84));
    }
    for stmt in &mut component.body {
        if let Stmt::Class(class) = stmt {
            class.doc = Some(doc.clone());
        }
    }
    let mut parts = vec!["Secrets Manager secrets encrypted with a customer-managed KMS key"];
    if secrets().any(|s| s.generate.is_some()) {
        parts.push("generated values");
    }
    if secrets().any(|s| s.rotation.is_some()) {
        parts.push("rotation");
    }
    if secrets().any(|s| !s.replicas.is_empty()) {
        parts.push("replicas");
    }
    component.summary = format!(
        "{}, and a resource policy that blocks public access (the counterpart of the \
         Terraform module modules/secrets).",
        parts.join(", ")
    );
    component
}

/// The README's section on secrets: where each one lives, how generated values are kept, and
/// how to set the others. Empty when the platform has no secrets.
pub fn readme_section(platform: &Platform) -> String {
    if platform.secrets.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Secrets\n\n\
         Secrets Manager holds every secret, encrypted with the stack's own KMS key \
         (`alias/{project}-<stack>-secrets`); no value is in the spec or the stack files. \
         {readers}\
         | Secret | Name in Secrets Manager | Value |\n|---|---|---|\n",
        project = platform.project,
        readers = key_readers(platform, "the stack output `kms_key_arn`"),
    );
    for (secret_name, secret) in &platform.secrets {
        let value = readme_value(secret, "generated (RandomPassword)");
        out.push_str(&format!(
            "| {secret_name} | `{}/{secret_name}` | {value} |\n",
            naming::resource_prefix(&platform.project, "<stack>")
        ));
    }
    if platform.secrets.values().any(|s| s.generate.is_some()) {
        out.push_str(&format!(
            "\n### Generated values\n\n{GENERATED_VALUES} Each value is written into its secret \
             once, when the secret is created; later values come from rotation. Anyone who can \
             read a stack's state and use its secrets provider can read these values: give each \
             stack a secrets provider you control (for example `pulumi stack init <stack> \
             --secrets-provider awskms://alias/<key>`) and restrict access to the state.\n"
        ));
    }
    let manual = set_by_hand(platform);
    if !manual.is_empty() {
        out.push_str(
            "\n### Setting the secrets iacgen does not generate\n\n\
             `pulumi up` creates these secrets empty; services that read one fail to start \
             until it has a value. After the first update of a stack, set each value once from a \
             file, so that it stays out of your shell history, then delete the file:\n\n```sh\n",
        );
        for env in platform.env_names() {
            let prefix = naming::resource_prefix(&platform.project, env);
            let region = platform.region.get(env).cloned().unwrap_or_default();
            out.push_str(&format!("# stack {env}\n"));
            for secret_name in &manual {
                out.push_str(&format!(
                    "aws secretsmanager put-secret-value --region {region} \\\n  --secret-id \
                     {prefix}/{secret_name} --secret-string file://{secret_name}.txt\n"
                ));
            }
        }
        out.push_str("```\n");
    }
    out
}
