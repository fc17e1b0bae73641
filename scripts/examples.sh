#!/usr/bin/env bash
# The main job: install what is needed (idempotent), then solve every problem file in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/neurosym solve examples/ "$@"
