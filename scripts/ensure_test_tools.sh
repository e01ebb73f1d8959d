#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are installed: chromium (the
# browser tests) and nginx (the production profile's load balancer).
#
# Playwright's own browser download does not work on our machines (no access
# to its CDN), so the browser tests drive Debian's /usr/bin/chromium. Both are
# installed with apt-get when missing and we are allowed to (root); otherwise
# this says how, and the tests that need them skip (or fail under CI).
set -uo pipefail

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages for the tests: ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; }
fi

still=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || still+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || still+=(nginx)
if [ ${#still[@]} -gt 0 ]; then
    echo "Not installed and could not be installed automatically: ${still[*]}" >&2
    echo "Install with: sudo apt-get install ${still[*]}" >&2
    echo "The tests that need them will be skipped (and fail when CI is set)." >&2
fi
exit 0
