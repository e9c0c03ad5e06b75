#!/usr/bin/env bash
# Installs the system packages the platform needs on one machine, when missing:
#   redis-server  the private broker `make run` starts under var/ (unless REDIS_URL is set)
#   bubblewrap    the sandbox the optimizer worker parses users' model files in (optimizer_worker/isolation.py)
#   chromium      (--test) Debian's browser for the console's end-to-end tests;
#                 browser downloads by test tools are blocked, so it comes from apt.
#   wrk           (--test) the HTTP load generator of `python -m bench.serving` (`make bench`):
#                 a C client costs the 2-core host far less CPU than Python threads would.
#   gcc, Python.h (--test) `make bench`'s real-model suite pins Resemblyzer, whose webrtcvad
#                 dependency builds a C extension when pip installs the bench extra.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v python3.11 >/dev/null 2>&1 || need+=(python3.11 python3.11-venv)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [[ "${1:-}" == "--test" ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium fonts-liberation)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
  if ! command -v python3.11 >/dev/null 2>&1 || ! python3.11 -c \
      "import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"; then
    need+=(python3.11-dev)
  fi
fi
[[ ${#need[@]} -eq 0 ]] && exit 0

echo "Installing system packages: ${need[*]}"
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
