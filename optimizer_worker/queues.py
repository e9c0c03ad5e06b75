"""Which queues a worker on this machine should serve.

Every worker optimizes on the CPU, for its hardware class only: it consumes
`cpu.<class>` (compiler_core/hardware.py names the class; WHETSTONE_HARDWARE_CLASS
may narrow it), and the plain `cpu` queue that jobs queued before hardware classes
existed wait in. One whose machine has a usable GPU also takes the `gpu` queue. `serving` (load packages into the engine) and `events`
(webhooks) go to workers that can reach the serving engine's model repository;
WHETSTONE_WORKER_QUEUES overrides the choice.
"""

from __future__ import annotations

import os
import shutil


def gpu_available() -> bool:
    try:
        import onnxruntime

        if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
            return shutil.which("nvidia-smi") is not None
    except ImportError:
        pass
    return False


def queues_for_this_machine() -> list[str]:
    override = os.environ.get("WHETSTONE_WORKER_QUEUES")
    if override:
        return [queue.strip() for queue in override.split(",") if queue.strip()]
    from compiler_core.hardware import this_hardware_class
    from whetstone.taskqueue import optimize_queue

    queues = [optimize_queue("cpu", this_hardware_class()), "cpu", "serving", "events"]
    if gpu_available():
        queues.append("gpu")
    return queues
