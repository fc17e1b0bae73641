#!/usr/bin/env bash
# Idempotent set-up: system provers (E prover, SWI-Prolog, Graphviz) and the project's virtual environment.
# Every README command calls this first; a second run only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(eprover swi-prolog-nox graphviz)
missing=()
command -v eprover >/dev/null 2>&1 || missing+=(eprover)
command -v swipl >/dev/null 2>&1 || missing+=(swi-prolog-nox)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]} with apt-get" >&2
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages: ${SYSTEM_PACKAGES[*]} (Debian names)" >&2
    echo "setup: the backends that need them report themselves unavailable until then" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
EXTRAS=${NEUROSYM_EXTRAS:-test}
stamp=.venv/.neurosym-installed-$EXTRAS
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log=.venv/pip-install.log
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[$EXTRAS]"; } \
      >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: installing the Python package failed (full log above, also in $log)" >&2
    exit 1
  fi
  touch "$stamp"
fi
