#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests.
#
# Playwright's own browser download does not work on our machines (no access
# to its CDN), so the browser tests drive Debian's /usr/bin/chromium instead.
# This installs it with apt-get when it is missing and we are allowed to.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests (apt-get install chromium) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null; }
    [ -x "$CHROMIUM" ] && { echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || true)"; exit 0; }
fi

echo "Chromium is not installed at $CHROMIUM and could not be installed automatically." >&2
echo "Install it with: sudo apt-get install chromium   (or set CHROMIUM_PATH)" >&2
echo "The browser tests will be skipped (and fail when CI is set)." >&2
exit 0
