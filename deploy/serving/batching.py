"""Adaptive batching of decoded requests, for the direct infer path.

MLServer's batcher (what a batched model gets over gRPC) merges MLServer's request
objects and splits its response objects, which costs Python per request that the
direct path exists to avoid. This one works on the arrays `tensors.InputDecoder`
already produced, with MLServer's semantics and settings: a batch opens with its
first request and closes after `max_batch_time` seconds or at `max_batch_size`
requests, whichever comes first; batches run concurrently; each request gets its
own rows of the outputs back.

One difference, for a model whose single run already uses every core: one batch
runs at a time, as with Triton's dynamic batcher and one model instance. A batch
whose time is up while the last one still runs waits for it, and the requests
that arrive meanwhile join it (up to `max_batch_size`). Started at once, two
batches would only share the cores and both finish later; waiting, the next
batch is fuller. On the 2-core host a CNN with 1 MB JSON requests at
concurrency 8 got batches of 2.1 requests on average with MLServer's rule, since
reading eight such bodies takes longer than the 5 ms window.

A batch that opens at an idle model also closes once as many requests have come
as in the largest of the last few busy spells (a spell: from a request that
found the model idle until it was idle again), up to `max_batch_size`; the
requests already queued on the event loop join it first. Clients that wait for
their answers before calling again then pay no batch window: one caller at a
time (encoder_short with a 5 ms window went from 9.2 to 3.1 ms p50 at
concurrency 1, about its time unbatched), or k callers, whose k requests close
the batch on arrival (its batches held 2.0, 3.0 and 4.0 requests at concurrency
2, 3 and 4; bench/RESULTS.md). Under load, spells last long and their crowds
fill whole batches, so batches wait as with MLServer's rule. TF Serving's
batching guide suggests a batch timeout of 0 as the start on CPUs for the same
reason: while a batch runs, the next one fills. When fewer callers come than
before, a batch waits the whole window until the larger crowds are forgotten.

Each request was checked against the signature before it joins, so one malformed
request does not fail the others. Requests whose inputs differ beyond the batch
dim (two sequence lengths) are batched only with their like. If the engine
refuses a batch, or an output does not have the batch's rows along its first dim
(a model that reduces over the batch), each request of it runs on its own, so
every caller still gets its own answer or its own error.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from .errors import RunTimedOut

Arrays = dict[str, np.ndarray]
# A batch at an idle model waits for the largest crowd of this many last spells: a spell
# can end while requests are still being read (a 1 MB JSON body takes 1.5 ms), and one
# short count should not cut the batches of a steady load short.
SPELLS_REMEMBERED = 8


@dataclass
class _Waiting:
    inputs: Arrays
    rows: int
    answer: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class AdaptiveBatcher:
    def __init__(self, run: Callable[[Arrays], Awaitable[Arrays]], *, max_batch_size: int, max_batch_time_s: float,
                 observe_batch: Callable[[int], None] | None = None, one_batch_at_a_time: bool = False):
        self._run = run
        self._max_size = max_batch_size
        self._max_time = max_batch_time_s
        self._observe = observe_batch or (lambda requests: None)
        self._one_at_a_time = one_batch_at_a_time
        self._open: list[_Waiting] = []
        self._closer: asyncio.Handle | None = None
        self._due = False  # the open batch is due (time up, or full) and waits for the running one
        self._running: set[asyncio.Task] = set()  # referenced, so a batch is not collected mid-run
        # Requests in the last busy spells and in this one (see the module's docstring), and
        # whether the open batch opened at an idle model and waits for a crowd.
        self._crowds: deque[int] = deque(maxlen=SPELLS_REMEMBERED)
        self._crowd = 0
        self._waits_for_crowd = False

    async def infer(self, inputs: Arrays) -> Arrays:
        rows = _rows(inputs)
        if rows is None:  # no common batch dim to join along
            self._observe(1)
            return await self._run(inputs)
        if not self._open and not self._running:  # idle: a spell begins
            self._crowd = 0
            self._waits_for_crowd = True
        self._crowd += 1
        waiting = _Waiting(inputs, rows)
        self._open.append(waiting)
        if len(self._open) >= self._max_size:
            self._close()
        elif self._waits_for_crowd and len(self._open) >= max(self._crowds, default=1):
            # The crowd is here. At once, yet after the calls already queued on the loop:
            # requests that came together still join.
            self._waits_for_crowd = False
            if self._closer is not None:
                self._closer.cancel()
            self._closer = asyncio.get_running_loop().call_soon(self._close)
        elif self._closer is None and not self._due:
            self._closer = asyncio.get_running_loop().call_later(self._max_time, self._close)
        return await waiting.answer

    def _close(self) -> None:
        self._waits_for_crowd = False
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        if self._one_at_a_time and self._running:
            self._due = True  # _finished starts it
            return
        # Only while a batch waited can more than max_batch_size requests be open: the
        # rest is due at once, and waits for this batch in turn.
        batch, self._open = self._open[:self._max_size], self._open[self._max_size:]
        self._due = bool(self._open)
        for group in _alike(batch):
            task = asyncio.create_task(self._answer(group))
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        if task not in self._running:  # _answer said so before answering
            return
        self._running.discard(task)
        if self._due and not self._running:
            self._close()
        elif not self._running and not self._open:  # idle again: the spell is over
            self._crowds.append(min(self._crowd, self._max_size))

    async def _answer(self, group: list[_Waiting]) -> None:
        outcomes = await self._outcomes(group)
        task = asyncio.current_task()
        if self._running == {task} and not self._open:
            # The model goes idle as these answers go out: said first, so that a caller's next
            # request finds it idle. A due batch, though, starts only after the answers went out
            # (from the done callback), so that its run does not share the cores with them.
            self._finished(task)
        for waiting, result, error in outcomes:
            _settle(waiting, result=result, error=error)

    async def _outcomes(self, group: list[_Waiting]) -> list[tuple[_Waiting, Arrays | None, Exception | None]]:
        if len(group) > 1:
            joined = {name: np.concatenate([w.inputs[name] for w in group]) for name in group[0].inputs}
            self._observe(len(group))
            try:
                outputs = await self._run(joined)
            except RunTimedOut as exc:
                # Run each again and each could take as long: every caller hears of the deadline now.
                return [(waiting, None, exc) for waiting in group]
            except Exception:
                outputs = None  # one request may be what the engine refused: answer each on its own
            total = sum(w.rows for w in group)
            if outputs is not None and all(np.ndim(a) >= 1 and np.shape(a)[0] == total for a in outputs.values()):
                outcomes, start = [], 0
                for waiting in group:
                    end = start + waiting.rows
                    outcomes.append((waiting, {name: a[start:end] for name, a in outputs.items()}, None))
                    start = end
                return outcomes
        outcomes = []
        for waiting in group:
            self._observe(1)
            try:
                outcomes.append((waiting, await self._run(waiting.inputs), None))
            except Exception as exc:
                outcomes.append((waiting, None, exc))
        return outcomes


def _settle(waiting: _Waiting, *, result: Arrays | None = None, error: Exception | None = None) -> None:
    if waiting.answer.done():  # the caller went away (cancelled)
        return
    if error is not None:
        waiting.answer.set_exception(error)
    else:
        waiting.answer.set_result(result)


def _rows(inputs: Arrays) -> int | None:
    """The request's size along the batch dim: the first dim every input shares."""
    firsts = {a.shape[0] for a in inputs.values() if a.ndim >= 1}
    if len(firsts) != 1 or any(a.ndim == 0 for a in inputs.values()):
        return None
    return firsts.pop()


def _alike(batch: list[_Waiting]) -> list[list[_Waiting]]:
    """The requests that can be joined: same input names, and the same dims and dtypes after the first."""
    groups: dict[tuple, list[_Waiting]] = {}
    for waiting in batch:
        key = tuple(sorted((name, a.shape[1:], a.dtype.str) for name, a in waiting.inputs.items()))
        groups.setdefault(key, []).append(waiting)
    return list(groups.values())
