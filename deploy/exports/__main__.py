"""Exports from the command line, for operators and CI:

    python -m deploy.exports triton PACKAGE_DIR OUT_DIR --name NAME [--max-batch-size 8]
    python -m deploy.exports inference-service NAME s3://bucket/prefix [--namespace NS]
    python -m deploy.exports serving-runtime --image registry/whetstone:TAG

The two KServe commands print YAML for `kubectl apply -f -`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .kserve import cluster_serving_runtime_manifest, inference_service_manifest
from .triton import triton_model_repository


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.exports")
    commands = parser.add_subparsers(dest="command", required=True)
    triton = commands.add_parser("triton", help="write a Triton model repository entry")
    triton.add_argument("package_dir", type=Path)
    triton.add_argument("out_dir", type=Path)
    triton.add_argument("--name", required=True)
    triton.add_argument("--max-batch-size", type=int, default=8)
    service = commands.add_parser("inference-service", help="print a KServe InferenceService")
    service.add_argument("name")
    service.add_argument("storage_uri")
    service.add_argument("--namespace")
    service.add_argument("--service-account")
    runtime = commands.add_parser("serving-runtime", help="print the KServe ClusterServingRuntime")
    runtime.add_argument("--image", required=True)
    args = parser.parse_args(argv)

    if args.command == "triton":
        model_dir = triton_model_repository(
            args.package_dir, args.out_dir, name=args.name, max_batch_size=args.max_batch_size
        )
        print(model_dir)
    elif args.command == "inference-service":
        manifest = inference_service_manifest(
            args.name, args.storage_uri, namespace=args.namespace, service_account_name=args.service_account
        )
        yaml.safe_dump(manifest, sys.stdout, sort_keys=False)
    else:
        yaml.safe_dump(cluster_serving_runtime_manifest(args.image), sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main()
