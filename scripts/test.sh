#!/usr/bin/env bash
# The whole test suite: install what is needed (idempotent), lint, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check neurosym tests benchmarks
exec .venv/bin/python -m pytest -q -ra "$@"
