#!/usr/bin/env bash
# Regenerates the committed output of examples/platform.yaml: its `modules/` and
# `environments/` at the top level of this repository (the layout DESIGN.md shows), and the
# generated repository's own root files (README.md, .gitignore, .github/, the spec copy) and the
# Pulumi project under `reference/`, where they do not overwrite the crate's own files.
# tests/golden.rs fails when any of it is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${IACGEN_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release -q
  BIN=./target/release/iacgen
fi
OUT="$(mktemp -d /tmp/iacgen-reference.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
"$BIN" generate examples/platform.yaml --out "$OUT" >/dev/null
"$BIN" generate examples/platform.yaml --out "$OUT" --target pulumi >/dev/null
rm -rf modules environments reference
mv "$OUT/modules" "$OUT/environments" .
# The manifests record what `generate` wrote into one directory; this copy is split in two.
rm -rf "$OUT/.iacgen" "$OUT/pulumi/.iacgen"
mkdir -p reference
cp -a "$OUT/." reference/
