#!/usr/bin/env bash
# Installs everything the toolkit and its tests need on a fresh Debian machine.
# Safe to run again.  Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # chromium + driver: the real browser for tests; postgresql: the LRS at scale;
  # a Java runtime for the W3C Nu HTML checker (npm vnu-jar).
  $SUDO apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver postgresql default-jre-headless fonts-dejavu-core >/dev/null
fi

python3 -m pip install -q --upgrade pip >/dev/null
python3 -m pip install -q -e '.[test]'
command -v pyenv >/dev/null && pyenv rehash || true

# LMS-side SCORM runtime, axe-core and the xAPI validator for browser tests.
if [ -f package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
