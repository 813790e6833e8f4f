#!/usr/bin/env bash
# Regenerates README.md from docs/README.head.md, the status table and docs/README.tail.md.
set -euo pipefail
cd "$(dirname "$0")/.."
{ cat docs/README.head.md; ./scripts/status-table.sh build/libntsec.a; echo; cat docs/README.tail.md; } > README.md
