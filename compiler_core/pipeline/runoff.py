"""Step 4, runoff: the best few candidates meet again in one interleaved run with the baseline, which
decides; the winner must repeat its gain in a confirmation run, and each setting on top of another
candidate must beat that candidate head to head.

On a shared host the load changes between two candidates' measurements (measured here: the same
onnxruntime baseline at 1.5 ms and at 6 ms minutes apart), and picking the maximum of noisy
measurements favours whoever got lucky. One shared run exposes every contender to the same load.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from ..measure import MIN_MEANINGFUL_GAIN, Comparison, MeasurePlan, compare, interleaved_blocks
from .route import beats_in_runoff

if TYPE_CHECKING:
    from .baseline import Baseline
    from .run import Optimization
    from .search import CandidateResult

# How many of the best candidates meet again in the final interleaved runoff: the best safe at
# every shape, plus the best at the primary shape alone (it may serve that shape only).
RUNOFF_SIZE = 4
RUNOFF_PRIMARY_ONLY = 1
# Rounds (blocks per runner) of the runs that decide, the runoff and the head-to-heads after it,
# for models under DECIDING_ROUNDS_BELOW_MS. A seconds-based plan gave a 0.8 ms model about five
# rounds, since each block ends with a wait for the engine's threads to go quiet, and the
# runoff's notches came out at +-35-47%: the winner was whoever had the luckiest five blocks.
DECIDING_ROUNDS = 15
DECIDING_ROUNDS_BELOW_MS = 50.0
# A runoff whose best safe contender reads a gain that its noise cannot prove meets once more, and
# both runs' blocks decide together (the notch narrows with their square root). On the AVX-512 host
# ppocr_cls's runoff read openvino_f32+static_shapes at 1.56x with a noise of +-66% and shipped the
# original; the next run of the bench shipped the same graph at 1.63x. The confirmation run likewise:
# BlazeFace's openvino_f32 won the runoff at 1.31x, its confirmation read 1.26x with a wider notch,
# the runner-up's 1.20x the same, and the original shipped against a peer at 1.16x.
RUNOFF_EXTENSIONS = 1


def deciding_plan(plan: MeasurePlan, ms: float) -> MeasurePlan:
    """`plan` (a candidate's measurement at latency `ms`) for the runs that decide: the runoff, its
    confirmation and the duels. Twice the seconds, and DECIDING_ROUNDS rounds at least below
    DECIDING_ROUNDS_BELOW_MS; the search's reserve for them (search.runoff_seconds) plans by it too."""
    plan.seconds = plan.seconds * 2
    if ms < DECIDING_ROUNDS_BELOW_MS:
        plan.min_rounds = max(plan.min_rounds, DECIDING_ROUNDS)
    return plan


def decide(opt: "Optimization", results: list["CandidateResult"], baseline: "Baseline",
           holds_up: Callable[["CandidateResult"], bool] = lambda result: True,
           ) -> tuple["CandidateResult | None", "CandidateResult | None"]:
    """The package's default (the best candidate safe at every shape, confirmed) and, when one that is
    slower elsewhere beat it at the primary shape, that candidate, to serve the primary shape only
    (see route.py). Each must also pass `holds_up` once its speed is confirmed (the search's second
    look at a lossy winner, Search.holds_on_more_rows); one that fails it gives way to the next. Every
    session is released afterwards: they hold the weights."""
    try:
        return _runoff(opt, results, baseline, holds_up)
    finally:
        for result in results:
            result.runner = None


def _runoff(opt, results, baseline, holds_up):
    label = baseline.primary_label
    measured = [r for r in results if r.status == "passed" and r.runner is not None
                and label in r.comparisons and not r.comparisons[label].significantly_slower]
    by_primary = sorted(measured, key=lambda r: r.comparisons[label].speedup, reverse=True)
    safe = [r for r in by_primary if r.all_round][:RUNOFF_SIZE]
    best_safe_primary = safe[0].comparisons[label].speedup if safe else 1.0
    primary_only = [r for r in by_primary if not r.all_round
                    and r.comparisons[label].speedup > best_safe_primary][:RUNOFF_PRIMARY_ONLY]
    contenders = safe + primary_only
    if not contenders:
        return None, None
    feeds = baseline.timing_feeds[label]
    opt.progress("candidates", 85, "final runoff: " + ", ".join(r.name for r in contenders))
    plan = deciding_plan(opt.plan(baseline.ms[label], 1, 1), baseline.ms[label])
    runs = [lambda: baseline.run(feeds)] + [lambda r=r: r.runner.run(feeds) for r in contenders]
    started = time.monotonic()
    stats, blocks = interleaved_blocks(runs, plan, opt.should_cancel)
    _score(contenders, stats, blocks)
    for _ in range(RUNOFF_EXTENSIONS):
        if not needs_another_runoff(safe) or not opt.deadline.allows(time.monotonic() - started):
            break
        opt.progress("candidates", 86, "the runoff's noise hides a gain: measuring it once more")
        _extend(stats, blocks, *interleaved_blocks(runs, plan, opt.should_cancel))
        _score(contenders, stats, blocks)
    # Shapes other than the primary were compared earlier; the runoff must confirm the gain here.
    default = None
    for result in sorted((r for r in safe if r.runoff.significant_gain), key=lambda r: r.runoff_speedup,
                         reverse=True):
        if _confirmed(opt, result, baseline, feeds, plan) and holds_up(result):
            default = result
            break

    def duel(parent: "CandidateResult", challenger: "CandidateResult") -> Comparison:
        opt.progress("candidates", 87, f"does {challenger.name} beat {parent.name} head to head?")
        return compare(lambda: parent.runner.run(feeds), lambda: challenger.runner.run(feeds), plan,
                       opt.should_cancel)

    # Taking a setting back ships its parent: other numerics (a graph level, static shapes), judged too.
    chosen = settings_that_earn_their_place(default, safe, duel)
    default = chosen if chosen is default or chosen is None or holds_up(chosen) else default
    for result in primary_only:
        if beats_in_runoff(result, default) and _confirmed(opt, result, baseline, feeds, plan) and holds_up(result):
            return default, result
    return default, None


def _score(contenders, stats, blocks) -> None:
    """Each contender's runoff comparison, against the baseline's blocks of the same run(s)."""
    for result, candidate_stats, candidate_blocks in zip(contenders, stats[1:], blocks[1:]):
        result.runoff = Comparison(baseline=stats[0], candidate=candidate_stats,
                                   baseline_blocks=blocks[0], candidate_blocks=candidate_blocks)
        result.runoff_speedup = result.runoff.speedup


def hides_a_gain(comparison: Comparison) -> bool:
    """A gain worth shipping by its median, not a loss in quiet moments, that its noise cannot prove."""
    return (not comparison.significant_gain and comparison.speedup > 1.0 + MIN_MEANINGFUL_GAIN
            and comparison.quiet_speedup >= 1.0)


def needs_another_runoff(safe: list["CandidateResult"]) -> bool:
    """No safe contender proved a gain, but one reads a gain worth shipping that its noise hides."""
    if any(r.runoff.significant_gain for r in safe):
        return False
    return any(hides_a_gain(r.runoff) for r in safe)


def _extend(stats, blocks, more_stats, more_blocks) -> None:
    """Another run's measurements added to the first's: they decide together."""
    for kept, more in zip(stats, more_stats):
        kept.samples_ms.extend(more.samples_ms)
    for kept, more in zip(blocks, more_blocks):
        kept.extend(more)


def _confirmed(opt, result: "CandidateResult", baseline, feeds, plan: MeasurePlan) -> bool:
    """One more independent paired run: a gain that a burst of load produced rarely repeats. Where the
    run reads the gain but its noise hides it, it runs once more and both decide together, as the
    runoff does: a repeat under the same burst fails again, a real gain's notch narrows."""
    opt.progress("candidates", 88, f"confirming {result.name} against the baseline")
    runs = [lambda: baseline.run(feeds), lambda: result.runner.run(feeds)]
    started = time.monotonic()
    stats, blocks = interleaved_blocks(runs, plan, opt.should_cancel)
    confirmation = Comparison.of(stats, blocks)
    repeated = True
    for _ in range(RUNOFF_EXTENSIONS):
        if not hides_a_gain(confirmation) or not opt.deadline.allows(time.monotonic() - started):
            break
        opt.progress("candidates", 88, f"the confirmation's noise hides {result.name}'s gain: measuring it once more")
        more_stats, more_blocks = interleaved_blocks(runs, plan, opt.should_cancel)
        # The second run must read the gain on its own too. A second chance has a price all the same:
        # simulated with the real Comparison over 15 blocks, a runner no faster than the baseline is
        # confirmed 6.7-8.3% of the time against 5.5-6.6% with one run, and a real 1.15x gain 71% of
        # the time against 52% (42% to 68% under bursts of load). The runoff before it is the first gate.
        repeated = Comparison.of(more_stats, more_blocks).speedup > 1.0 + MIN_MEANINGFUL_GAIN
        _extend(stats, blocks, more_stats, more_blocks)
        confirmation = Comparison.of(stats, blocks)
    result.confirmation = confirmation
    return confirmation.significant_gain and repeated


def settings_that_earn_their_place(
    winner: "CandidateResult | None",
    safe: list["CandidateResult"],
    duel: Callable[["CandidateResult", "CandidateResult"], Comparison],
) -> "CandidateResult | None":
    """Take back each setting on top of the winner's graph (a thread count, static shapes, a
    graph level) that is not faster than the same candidate without it, head to head.

    A runoff ranks every contender against the baseline, so two that are a few percent apart
    are compared only through the baseline's noise, and thread settings in particular read
    better or worse with whatever else the host does. Measured on the AVX-512 host: an LSTM
    tagger's runoff put `int8_dynamic_per_tensor+single_thread` 9% ahead of
    `int8_dynamic_per_tensor`; four direct interleaved runs afterwards had it 10% behind. So a
    setting has to be faster than the candidate it was added to (its spec's parent) in a paired
    run of the two (`duel(parent, challenger)`: the challenger's speed-up over the parent). Both
    have already proved a gain over the baseline, so the duel's point estimate decides, not its
    significance: requiring significance took back real gains of about 10% that a short duel
    could not prove.
    """
    by_spec = {result.spec: result for result in safe if result.spec is not None}
    while winner is not None and winner.spec is not None and winner.spec.parent is not None:
        parent = by_spec.get(winner.spec.parent)
        if parent is None or parent.runner is None or parent.runoff is None or not parent.runoff.significant_gain:
            break  # nothing proven to fall back to: the winner stands on its own runoff
        winner.parent_name, winner.against_parent = parent.name, duel(parent, winner)
        if winner.against_parent.faster:
            break
        winner = parent
    return winner
