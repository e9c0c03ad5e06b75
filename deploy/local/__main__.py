"""`make run`: the whole platform on this machine, on embedded defaults.

    python -m deploy.local [--port 8000] [--serving-port 8081]

Ctrl-C stops every process it started. State (database, Redis, objects,
deployed models, logs) lives under var/ and survives restarts.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from .processes import REPO_DIR, manage
from .stack import start_stack


def _admin_password(var_dir: Path) -> str:
    """From WHETSTONE_ADMIN_PASSWORD, else generated once and kept (0600) under var/."""
    if os.environ.get("WHETSTONE_ADMIN_PASSWORD"):
        return os.environ["WHETSTONE_ADMIN_PASSWORD"]
    path = var_dir / "admin_password"
    if not path.is_file():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("WHETSTONE_PORT", 8000)))
    parser.add_argument("--serving-port", type=int, default=int(os.environ.get("WHETSTONE_SERVING_PORT", 8081)))
    parser.add_argument("--redis-port", type=int, default=int(os.environ.get("WHETSTONE_REDIS_PORT", 6479)))
    args = parser.parse_args()

    var_dir = Path(os.environ.get("WHETSTONE_VAR_DIR", REPO_DIR / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    password = _admin_password(var_dir)
    print(f"Starting Whetstone (state and logs under {var_dir}) ...", flush=True)
    stack = start_stack(var_dir=var_dir, web_port=args.port, serving_port=args.serving_port,
                        redis_port=args.redis_port)
    env = {**stack.env, "WHETSTONE_ADMIN_PASSWORD": password}
    manage(["ensure_admin"], env=env)  # creates it on the first run; never changes an existing password
    manage(["seed_official_models"], env=env)  # PAI-style templates, built locally; idempotent
    from compiler_core.hardware import this_hardware_class

    print(
        f"\nWhetstone is running.\n"
        f"  Hardware: {this_hardware_class()} (one worker and the engine, of this machine's class; "
        f"WHETSTONE_HARDWARE_CLASS declares a narrower one)\n"
        f"  Console:  {stack.web_url}/\n"
        f"  API docs: {stack.web_url}/api/docs/\n"
        f"  Serving:  {stack.serving_url}/v2/health/live\n"
        f"  Log in as admin with password {password}\n"
        f"    (set WHETSTONE_ADMIN_PASSWORD to choose it; it is kept in {var_dir / 'admin_password'})\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    stack.on_restart = lambda service: print(
        f"{service.name} had exited; restarted it (see {service.log_path})", file=sys.stderr, flush=True)
    stack.on_restart_failed = lambda service, error, delay: print(
        f"{service.name} did not come back ({str(error).splitlines()[0]}); trying again in {delay:.0f}s. "
        "The rest of the platform keeps running.", file=sys.stderr, flush=True)
    try:
        while not stopping:
            stack.restart_exited()
            time.sleep(1)
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
