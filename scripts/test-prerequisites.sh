#!/usr/bin/env bash
# Installs what the browser tests need (Debian's Chromium, driven by playwright-core) when it is
# missing and this machine can install it; otherwise the browser tests report themselves skipped.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: installing Debian's chromium for the console's browser tests…"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "test prerequisites: chromium could not be installed; the browser tests will be skipped."
else
  echo "test prerequisites: no chromium and no root to install it; the browser tests will be skipped."
fi
exit 0
