#!/usr/bin/env bash
# Rebuilds the applied states in tests/fixtures/applied/: for each SPEC:ENV, the state that
# `terraform apply` of the generated environment root would leave (tf-fake-apply, stub AWS
# provider). tests/applied_states.rs checks that `iacgen plan` and `terraform plan` both see no
# change against them, so they must be rebuilt whenever the generated code of these examples
# changes:
#
#   scripts/applied-states.sh                      # all of them
#   scripts/applied-states.sh platform:prod        # one
#
# Needs the shared Terraform tools ($IACGEN_TOOLS, default ../shared/tools beside the crate).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${IACGEN_TOOLS:-../shared/tools}
fixtures=tests/fixtures/applied
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(platform:dev platform:staging platform:prod secrets-all-kinds:dev)
fi
cargo build --quiet --bin iacgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$fixtures"
for target in "${targets[@]}"; do
  spec=${target%%:*}
  env=${target#*:}
  out="$work/$spec"
  if [ ! -d "$out" ]; then
    target/debug/iacgen generate "examples/$spec.yaml" --out "$out" >/dev/null 2>&1
    # tf-fake-apply settles its fake values over several plans, some of which replace an
    # object; Terraform refuses such a plan for a prevent_destroy resource. The state does not
    # record prevent_destroy, so the copy applied here goes without it.
    find "$out" -name '*.tf' -exec sed -i '/prevent_destroy *= *true/d' {} +
    # A pipeline-deployed service ignores changes to its task_definition; a real apply still
    # sets it at creation, but tf-fake-apply's settling plans then leave it "". The state does
    # not record ignore_changes either, so the copy applied here goes without that entry.
    find "$out" -name '*.tf' -exec sed -i 's/ignore_changes = \[desired_count, task_definition\]/ignore_changes = [desired_count]/' {} +
  fi
  root="$out/environments/$env"
  # The fakes' ARNs carry the environment's region and account, as a real apply's would.
  region=$(sed -n 's/^region *= *"\(.*\)"$/\1/p' "$root/terraform.tfvars")
  account=$(sed -n 's/^allowed_account_ids *= *\["\([0-9]*\)"\]$/\1/p' "$root/terraform.tfvars")
  args=(--root "$out" --region "$region" --out "$fixtures/$spec.$env.tfstate" -q)
  [ -z "$account" ] || args+=(--account "$account")
  echo "$spec $env ($region${account:+, $account})"
  "$tools/bin/tf-fake-apply" "${args[@]}" "$root"
done
