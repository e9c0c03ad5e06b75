"""`python -m deploy.serving --root var/serving --http-port 8081`: the engine in the foreground.

`make run` uses this. Each of MLServer's three listeners (REST, gRPC, metrics)
gets its own port, because MLServer's defaults (8080/8081/8082) collide with
the web server and with each other's neighbours on a developer machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import engine
from .server import write_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.serving", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("var/serving"), help="settings.json and models/ live here")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8081)
    parser.add_argument("--grpc-port", type=int, help="default: HTTP port + 1000")
    parser.add_argument("--metrics-port", type=int, help="default: HTTP port + 2000")
    args = parser.parse_args(argv)
    write_settings(
        args.root,
        http_port=args.http_port,
        grpc_port=args.grpc_port or args.http_port + 1000,
        metrics_port=args.metrics_port or args.http_port + 2000,
        host=args.host,
    )
    engine.main([str(args.root)])


if __name__ == "__main__":
    main()
