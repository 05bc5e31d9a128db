#!/usr/bin/env bash
# scale-bench.sh [N...]: time and peak memory of iacgen on specs of N services
# (scripts/scale-spec.py), default N = 10 100 1000. For each N: generate into a fresh
# directory, generate again with nothing changed, diff, plan against an empty state, plus
# `cp -r` of the output (the floor of writing it). One line per N, times in seconds, peak
# resident memory in MB, measured with /usr/bin/time; run it on an idle machine and compare
# ratios within one run. No timing is asserted anywhere in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${IACGEN_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release -q
  BIN=./target/release/iacgen
fi
BIN="$(realpath "$BIN")"
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(10 100 1000)
WORK="$(mktemp -d /tmp/iacgen-scale.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
echo '{"version":4,"terraform_version":"1.9.0","serial":1,"lineage":"00000000-0000-0000-0000-000000000000","outputs":{},"resources":[]}' >"$WORK/empty.tfstate"

# measure NAME CMD...: "<wall seconds> (<CPU seconds>) <MB>" of one run (exit codes 0 and 2,
# "changes", are fine). CPU time (user + system) is the steadier figure on a busy machine.
measure() {
  local out="$WORK/time.$1"; shift
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>&1 || [ $? -eq 2 ] || { echo "failed: $*" >&2; exit 1; }
  tail -n 1 "$out" | awk '{ printf "%s (%.2f) %.0f", $1, $2 + $3, $4 / 1024 }'
}

printf '%-6s %-22s %-22s %-22s %-22s %s\n' N "generate: s (CPU) MB" "unchanged" "diff" "plan, empty" "cp -r (s)"
for n in "${NS[@]}"; do
  spec="$WORK/s$n.yaml"
  scripts/scale-spec.py "$n" >"$spec"
  out="$WORK/out$n"
  fresh=$(measure fresh "$BIN" -q generate "$spec" --out "$out")
  again=$(measure again "$BIN" -q generate "$spec" --out "$out")
  diff=$(measure diff "$BIN" -q diff "$spec" --out "$out")
  plan=$(measure plan "$BIN" -q plan "$spec" --env dev --state "$WORK/empty.tfstate" --allow-low-match)
  # To the millisecond (/usr/bin/time rounds to 10 ms, which is all `cp -r` takes here).
  copy=$( { TIMEFORMAT=%3R; time cp -r "$out" "$WORK/copy$n"; } 2>&1 )
  size=$(du -sm "$out" | cut -f1)
  copy="$copy ($size MB)"
  rm -rf "$WORK/copy$n"
  printf '%-6s %-22s %-22s %-22s %-22s %s\n' "$n" "$fresh" "$again" "$diff" "$plan" "$copy"
done
