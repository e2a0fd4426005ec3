#!/usr/bin/env bash
# Install the system packages crossroads needs, once: `report` for the PDF renderer's
# libraries (WeasyPrint: pango), `test` (the default) also for the programs tests use as
# real peers (bgpdump, chromium, poppler, wrk, gobgpd) and the C compiler for the MRT walker.
# Runs as root on CI (apt-get works there); elsewhere uses sudo when available.
set -euo pipefail
what="${1:-test}"
need=()
ldconfig -p | grep -q 'libpangoft2-1.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$what" = test ]; then
command -v cc >/dev/null 2>&1 || need+=(gcc)  # builds the compiled MRT walker the tests check
command -v bgpdump >/dev/null 2>&1 || need+=(bgpdump)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v gobgpd >/dev/null 2>&1 || need+=(gobgpd)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
