#!/usr/bin/env bash
# System packages the tests need, installed only when missing (Debian; run as root, as CI does):
# Chromium for the browser test. Idempotent: a second run changes nothing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "system packages ready: chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
