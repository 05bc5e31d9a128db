#!/usr/bin/env bash
# Every example, applied, plans clean: for each environment of each spec in examples/, the
# state that `terraform apply` of its generated root would leave (tf-fake-apply, stub AWS
# provider) must read back, `iacgen plan` against it must report no change (exit 0, nothing to
# create, drift, replace, move or forget), and the real `terraform plan` of the generated root
# (tf-plan) must say "No changes.". Nothing is committed: the states are built afresh each run
# (tests/fixtures/applied/ keeps the few that `cargo test` checks, see scripts/applied-states.sh).
#
#   scripts/applied-all.sh                        # every environment of every example
#   scripts/applied-all.sh minimal ecs-https:prod # some specs (all their environments) or one
#   APPLIED_ENVS=one scripts/applied-all.sh       # one environment per example (what CI runs)
#
# Environments with a committed applied state (tests/fixtures/applied/SPEC.ENV.tfstate) are
# left out unless named: tests/applied_states.rs runs the same checks on those. With
# APPLIED_ENVS=one, each example contributes the environment with the longest terraform.tfvars
# (the most AZs, subnets and NAT gateways to apply, as a rule its production); the others
# differ from it in values only, since every environment calls the same modules.
#
# JOBS (default 3) states are built at once: tf-fake-apply spends most of its time waiting on
# Terraform and the stub provider's start-up, so three jobs keep a 2-core machine busy without
# slowing each other much. IACGEN is the binary to test (default: target/debug/iacgen, built
# here); .ci/run passes its release build. Needs the shared Terraform tools ($IACGEN_TOOLS,
# default ../shared/tools beside the crate). Exit 1 when any environment does not plan clean;
# the log of each failure is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
tools=${IACGEN_TOOLS:-$ROOT/../shared/tools}
parallel=${JOBS:-3}
if [ -z "${IACGEN:-}" ]; then
  cargo build --quiet --bin iacgen
  IACGEN=$ROOT/target/debug/iacgen
fi
case $IACGEN in /*) ;; *) IACGEN=$ROOT/$IACGEN ;; esac
if [ ! -x "$tools/bin/tf-fake-apply" ] || [ ! -x "$tools/bin/tf-plan" ]; then
  echo "no Terraform tools under $tools (run its setup.sh, or set IACGEN_TOOLS)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/iacgen-applied.XXXXXX)
cleanup() {
  # Only the jobs this script started.
  local pids
  pids=$(jobs -pr)
  [ -z "$pids" ] || kill $pids 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

specs=()
targets=()
if [ $# -eq 0 ]; then
  for spec in examples/*.yaml examples/*.toml examples/*.json; do
    [ -e "$spec" ] && specs+=("$spec")
  done
else
  for arg in "$@"; do
    name=${arg%%:*}
    found=
    for ext in yaml toml json; do
      if [ -e "examples/$name.$ext" ]; then found="examples/$name.$ext"; break; fi
    done
    [ -n "$found" ] || { echo "no example named $name in examples/" >&2; exit 2; }
    specs+=("$found")
    [ "$arg" = "$name" ] || targets+=("$name:${arg#*:}")
  done
fi

# Generate each spec once: the code as generated (planned by tf-plan) and a copy without
# prevent_destroy to apply. tf-fake-apply settles its fake values over several plans, some of
# which replace an object, and Terraform refuses such a plan for a prevent_destroy resource;
# the state does not record prevent_destroy, so the state is the same.
declare -A spec_of
for spec in "${specs[@]}"; do
  name=$(basename "${spec%.*}")
  [ -z "${spec_of[$name]:-}" ] || continue
  spec_of[$name]=$spec
  if ! "$IACGEN" generate "$spec" --out "$work/$name/code" >"$work/$name.generate.log" 2>&1; then
    cat "$work/$name.generate.log" >&2
    exit 1
  fi
  cp -r "$work/$name/code" "$work/$name/apply"
  find "$work/$name/apply" -name '*.tf' -exec sed -i '/prevent_destroy *= *true/d' {} +
  named=$( ([ $# -gt 0 ] && printf '%s\n' "$@" | grep -qx "$name") && echo yes || true)
  if [ $# -eq 0 ] || [ -n "$named" ]; then
    envs=()
    for env in $(ls "$work/$name/code/environments"); do
      if [ -z "$named" ] && [ -e "tests/fixtures/applied/$name.$env.tfstate" ]; then
        echo "-- $name $env: committed applied state, checked by tests/applied_states.rs"
        continue
      fi
      envs+=("$env")
    done
    if [ "${APPLIED_ENVS:-all}" = one ] && [ ${#envs[@]} -gt 1 ]; then
      envs=("$(for env in "${envs[@]}"; do
        echo "$(wc -c <"$work/$name/code/environments/$env/terraform.tfvars") $env"
      done | sort -k1,1nr -k2 | head -n1 | cut -d' ' -f2)")
    fi
    for env in "${envs[@]}"; do targets+=("$name:$env"); done
  fi
done

# One environment: apply, read back, plan with iacgen and with Terraform. Prints one line;
# the details go to $work/NAME.ENV.log.
check() {
  local name=$1 env=$2
  local log="$work/$name.$env.log" state="$work/$name.$env.tfstate"
  local code="$work/$name/code" apply="$work/$name/apply"
  local root="environments/$env" start=$SECONDS
  local region account
  region=$(sed -n 's/^region *= *"\(.*\)"$/\1/p' "$code/$root/terraform.tfvars")
  account=$(sed -n 's/^allowed_account_ids *= *\["\([0-9]*\)"\]$/\1/p' "$code/$root/terraform.tfvars")
  # The fakes' ARNs carry the environment's region and account, as a real apply's would.
  local args=(--root "$apply" --region "$region" --out "$state" -q)
  [ -z "$account" ] || args+=(--account "$account")
  {
    echo "== tf-fake-apply $name $env ($region${account:+, $account})"
    "$tools/bin/tf-fake-apply" "${args[@]}" "$apply/$root" 2>&1
  } >"$log" || { echo "FAIL $name $env: tf-fake-apply failed ($((SECONDS - start)) s)"; return 1; }

  local out rc=0
  out=$("$IACGEN" plan "${spec_of[$name]}" --env "$env" --state "$state" 2>&1) || rc=$?
  printf '== iacgen plan (exit %s)\n%s\n' "$rc" "$out" >>"$log"
  if [ $rc -ne 0 ] || ! grep -Eq '^Plan: 0 to create, [0-9]+ unchanged, 0 drifted, 0 to replace, 0 moved, 0 not managed by iacgen\.$' <<<"$out"; then
    echo "FAIL $name $env: iacgen plan reports a change ($((SECONDS - start)) s)"
    return 1
  fi

  rc=0
  out=$(STUB_PROVIDER_REGION=$region STUB_PROVIDER_ACCOUNT_ID=${account:-123456789012} \
    "$tools/bin/tf-plan" --root "$code" "$code/$root" --state "$state" 2>&1) || rc=$?
  printf '== tf-plan (exit %s)\n%s\n' "$rc" "$out" >>"$log"
  if [ $rc -ne 0 ] || ! grep -q 'No changes.' <<<"$out"; then
    echo "FAIL $name $env: terraform plan is not empty ($((SECONDS - start)) s)"
    return 1
  fi
  local unchanged
  unchanged=$(grep -Eo '[0-9]+ unchanged' "$log" | tail -n1)
  echo "ok   $name $env: $unchanged, terraform: No changes ($((SECONDS - start)) s)"
}

echo "== every example applied and planned: ${#targets[@]} environment(s), $parallel at a time"
status=0
running=0
for target in "${targets[@]}"; do
  name=${target%%:*}
  env=${target#*:}
  if [ ! -d "$work/$name/code/environments/$env" ]; then
    echo "FAIL $name $env: no such environment"
    status=1
    continue
  fi
  (check "$name" "$env" || { sed 's/^/    /' "$work/$name.$env.log"; exit 1; }) &
  running=$((running + 1))
  if [ $running -ge "$parallel" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ $running -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
echo "== applied and planned in $SECONDS s: $([ $status = 0 ] && echo 'every environment plans clean' || echo 'FAILED')"
exit $status
