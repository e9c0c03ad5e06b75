"""A candidate that passes the top-1 check with a changed row is judged again on more rows.

At 80% confidence one changed row in 256 passes; a package that changes 1.6% of rows shows one or
none there about one time in ten. The synthetic bench caught one on a Zen 3 host (9b99564): an INT8
BERT-like classifier passed the search's check with 1 changed row in 255 and changed 16 of 1,021 on
the bench's own inputs. Judged again on 1,024 rows at 80%, the next candidate of the same model passed
with 7 changed and changed 1.3% of the held-out rows; the second look is now 2,048 rows at 95%. The
candidate here is the original with chosen rows' top class moved, so which rows change is known exactly.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnx
from compiler_core import accuracy as acc
from compiler_core.calibration import generated_batches
from compiler_core.candidates.base import ort_runtime
from compiler_core.deadline import Deadline
from compiler_core.output_kinds import AGREEMENT_CONFIDENCE
from compiler_core.candidates.spec import CandidateSpec, Int8DynamicConfig, OpenVinoConfig, SessionConfig
from compiler_core.measure import Comparison
from compiler_core.pipeline.baseline import (CONFIRM_CONFIDENCE, CONFIRM_ROWS, WINNER_LOOK_MAX_S, Baseline,
                                             confirmation_rows, top1_batches, winner_look_seconds)
from compiler_core.pipeline.search import CandidateResult, Search
from compiler_core.runtime import open_model
from compiler_core.signature import signature_of
from compiler_core.tests import models


class Moved:
    """The original's outputs, with the top class moved on the rows `rows_of` names for a batch."""

    def __init__(self, original, rows_of):
        self.original, self.rows_of = original, rows_of

    def run(self, feeds):
        logits = self.original.run(feeds)["logits"].copy()
        for row in self.rows_of(feeds):
            logits[row, int(np.argmin(logits[row]))] = logits[row].max() + 1.0
        return {"logits": logits}


def _search(tmp_path: Path, *, examples: bool = False) -> Search:
    path = models.mlp(tmp_path / "mlp.onnx")
    model = onnx.load(str(path))
    signature = signature_of(model)
    runner = open_model(path, ort_runtime(1), signature)
    feeds = generated_batches(model, signature, {"batch": 8}, 3, seed=1)
    reference = [runner.run(f) for f in feeds]
    feeds += top1_batches(model, signature, feeds, reference, seed=5000)
    reference = [runner.run(f) for f in feeds]
    baseline = Baseline(runtime={}, runner=runner, shape_set=[{"batch": 1}], timing_feeds={}, ms={},
                        accuracy_feeds=feeds, reference=reference, data_source="generated")
    search = Search.__new__(Search)  # only what judging a candidate reads
    search.opt = SimpleNamespace(calibration_dir=tmp_path if examples else None, budget=0.99,
                                 deadline=Deadline(None), check_cancel=lambda: None, progress=lambda *a: None)
    search._runoff_reserve_s = lambda: 0.0
    search.inspected = SimpleNamespace(model=model, signature=signature, output_kinds={})
    search.baseline = baseline
    search.results, search.failed_looks = [], {}
    return search


INT8_DYNAMIC = CandidateSpec(graph=Int8DynamicConfig())


def _judged(search: Search, candidate) -> CandidateResult:
    result = CandidateResult(name="moved")
    result.accuracy = acc.compare_outputs(search.baseline.reference,
                                          [candidate.run(f) for f in search.baseline.accuracy_feeds], 0.99)
    search._confirm(result, candidate)
    return result


def _one_row_among_the_first(search: Search):
    first = search.baseline.accuracy_feeds[0]
    return lambda feeds: [0] if feeds is first else []


def test_a_pass_on_one_changed_row_that_more_rows_break_is_rejected(tmp_path):
    search = _search(tmp_path)
    first_rows = _one_row_among_the_first(search)
    more, _ = confirmation_rows(search.inspected, search.baseline)
    # About 1.6% of the rows outside the first check: one row in every eighth batch of eight.
    later = {id(f) for f in more[::8]}
    candidate = Moved(search.baseline.runner, lambda feeds: first_rows(feeds) or ([3] if id(feeds) in later else []))
    before = acc.compare_outputs(search.baseline.reference,
                                 [candidate.run(f) for f in search.baseline.accuracy_feeds], 0.99)
    assert before.passes and before.per_output["logits"]["decisions"] == 256  # 1 in 256 holds at 80%

    result = _judged(search, candidate)

    assert not result.accuracy.passes, result.accuracy.per_output
    entry = result.accuracy.per_output["logits"]
    assert entry["decisions"] == CONFIRM_ROWS and entry["agreement_bound"] < acc.TOP1_BUDGET


def _changed_later(search: Search, count: int):
    """A candidate that changes the first check's one row and `count` rows of the second look's batches."""
    first_rows = _one_row_among_the_first(search)
    more, _ = confirmation_rows(search.inspected, search.baseline)
    later = {id(f) for f in more[:count]}
    return Moved(search.baseline.runner, lambda feeds: first_rows(feeds) or ([3] if id(feeds) in later else []))


def test_the_second_look_holds_a_changed_row_to_95_percent_confidence(tmp_path):
    """15 changed rows in 2,048 (0.73%): 99.27% holds at 80% confidence (bound 0.9903) and not at 95%
    (0.9886), where a share at the budget would pass 80% about one time in five."""
    search = _search(tmp_path)
    candidate = _changed_later(search, 14)
    feeds = search.baseline.accuracy_feeds + confirmation_rows(search.inspected, search.baseline)[0]
    reference = search.baseline.reference + confirmation_rows(search.inspected, search.baseline)[1]
    at_80 = acc.compare_outputs(reference, [candidate.run(f) for f in feeds], 0.99)
    assert at_80.passes and at_80.per_output["logits"]["agreement_confidence"] == AGREEMENT_CONFIDENCE

    result = _judged(search, candidate)

    entry = result.accuracy.per_output["logits"]
    assert not result.accuracy.passes and entry["decisions"] == CONFIRM_ROWS, entry
    assert entry["agreement_confidence"] == CONFIRM_CONFIDENCE and entry["agreement_bound"] < acc.TOP1_BUDGET
    assert "at 95% confidence" in result.accuracy.why_not()
    # 0.5% of the rows (10 in 2,048) is within the budget by the margin the second look asks for.
    (tmp_path / "fewer").mkdir()
    fewer = _search(tmp_path / "fewer")
    assert _judged(fewer, _changed_later(fewer, 9)).accuracy.passes


def test_the_second_look_stops_where_the_time_budget_keeps_the_rest_for_the_runoff(tmp_path):
    """Its rows stop with the time, never past the runoff's reserve; fewer rows at 95% only make a
    changed row harder to pass: with none added, one changed row in 256 fails."""
    search = _search(tmp_path)
    confirmation_rows(search.inspected, search.baseline)  # made while there was time
    candidate = _changed_later(search, 0)
    search.opt.deadline = Deadline(100.0)
    search._runoff_reserve_s = lambda: 100.0  # all that is left is the runoff's

    result = _judged(search, candidate)

    entry = result.accuracy.per_output["logits"]
    assert not result.accuracy.passes and entry["decisions"] == 256, entry
    assert entry["agreement_confidence"] == CONFIRM_CONFIDENCE
    # With the time, the same candidate passes on the whole second look.
    search._runoff_reserve_s = lambda: 0.0
    assert _judged(search, candidate).accuracy.passes


def test_a_second_look_with_no_time_to_make_its_rows_is_still_held_to_95_percent(tmp_path):
    """The rows are made when a pass first needs them: with no time left then, one batch is made all
    the same, so the pass is judged at 95%, not kept at 80% for want of rows."""
    search = _search(tmp_path)
    search.opt.deadline = Deadline(100.0)
    search._runoff_reserve_s = lambda: 100.0
    result = _judged(search, Moved(search.baseline.runner, _one_row_among_the_first(search)))
    entry = result.accuracy.per_output["logits"]
    assert not result.accuracy.passes and entry["agreement_confidence"] == CONFIRM_CONFIDENCE, entry
    assert len(search.baseline.confirmation[0]) == 1


def test_a_pass_that_more_rows_bear_out_stands_and_says_how_many_rows_judged_it(tmp_path):
    search = _search(tmp_path)
    result = _judged(search, Moved(search.baseline.runner, _one_row_among_the_first(search)))
    assert result.accuracy.passes
    assert result.accuracy.per_output["logits"]["decisions"] == CONFIRM_ROWS


def test_no_changed_row_and_examples_given_are_judged_as_before(tmp_path):
    search = _search(tmp_path)
    unchanged = _judged(search, Moved(search.baseline.runner, lambda feeds: []))
    assert unchanged.accuracy.passes and unchanged.accuracy.per_output["logits"]["decisions"] == 256
    assert search.baseline.confirmation is None  # nothing was generated for it

    # The user's examples are the data to judge by: generated rows do not overrule them.
    (tmp_path / "examples").mkdir()
    with_examples = _search(tmp_path / "examples", examples=True)
    result = _judged(with_examples, Moved(with_examples.baseline.runner, _one_row_among_the_first(with_examples)))
    assert result.accuracy.passes and result.accuracy.per_output["logits"]["decisions"] == 256


def test_a_model_that_refuses_the_generated_rows_keeps_its_first_verdict(tmp_path, monkeypatch):
    search = _search(tmp_path)
    candidate = Moved(search.baseline.runner, _one_row_among_the_first(search))
    original_run = search.baseline.runner.run
    calls = {"n": 0}

    def refuses_later(feeds):
        calls["n"] += 1
        if not any(feeds is judged for judged in search.baseline.accuracy_feeds):
            raise RuntimeError("a state only its own outputs make")
        return original_run(feeds)

    monkeypatch.setattr(search.baseline, "runner", SimpleNamespace(run=refuses_later))
    result = _judged(search, candidate)
    assert result.accuracy.passes and result.accuracy.per_output["logits"]["decisions"] == 256
    assert search.baseline.confirmation == ([], []) and calls["n"] == 1  # tried once, then remembered


def test_the_confirmation_rows_are_made_once_and_reach_their_count(tmp_path):
    search = _search(tmp_path)
    feeds, reference = confirmation_rows(search.inspected, search.baseline)
    assert len(feeds) == len(reference) == (CONFIRM_ROWS - 256) // 8
    assert confirmation_rows(search.inspected, search.baseline)[0] is feeds


# -- the winner's look before it ships ------------------------------------------------------------

def _lossy(candidate, spec: CandidateSpec | None = None, search: Search | None = None) -> CandidateResult:
    """A lossy candidate as the search left it: passed its check (no second look where no row changed)."""
    result = CandidateResult(spec=spec or INT8_DYNAMIC, precision="int8", status="passed", runner=candidate)
    result.accuracy = acc.compare_outputs(search.baseline.reference,
                                          [candidate.run(f) for f in search.baseline.accuracy_feeds], 0.99)
    search._confirm(result, candidate)
    return result


def _changed_in_every_eighth_later_batch(search: Search) -> Moved:
    """No row of the check changed, about 1.6% of the rows after it: what a pass at the budget's edge
    shows the check about one time in ten."""
    more, _ = confirmation_rows(search.inspected, search.baseline)  # made once: the look judges these
    later = {id(f) for f in more[::8]}
    return Moved(search.baseline.runner, lambda feeds: [3] if id(feeds) in later else [])


def test_a_lossy_winner_with_no_changed_row_is_judged_on_more_rows_before_it_ships(tmp_path):
    """Intel AVX-512 host, 5d48320: int8_dynamic_fused changed no decisive row of bert_encoder's 256,
    so it had no second look, shipped, and changed 9 of 1,020 held-out decisions."""
    search = _search(tmp_path)
    candidate = _changed_in_every_eighth_later_batch(search)
    result = _lossy(candidate, search=search)
    # The search's own second look did not run: the check's 256 rows judged it.
    assert result.accuracy.passes and result.accuracy.per_output["logits"]["decisions"] == 256
    assert acc.unproven_at(result.accuracy, CONFIRM_CONFIDENCE)  # 256 clean rows prove 98.96% at 95%

    assert not search.holds_on_more_rows(result)

    entry = result.accuracy.per_output["logits"]
    assert result.status == "rejected" and "judged before it shipped" in result.reason, result.reason
    assert entry["decisions"] == CONFIRM_ROWS and entry["agreement_bound"] < acc.TOP1_BUDGET
    # Another candidate on the same graph (a setting on top of it) is that graph's numerics: refused
    # without another look.
    same_graph = _lossy(candidate, INT8_DYNAMIC.with_setting(SessionConfig(threads=1)), search)
    looked = search.baseline.confirmation
    assert not search.holds_on_more_rows(same_graph) and "its graph did as int8_dynamic" in same_graph.reason
    assert search.baseline.confirmation is looked


def test_a_lossy_winner_that_more_rows_bear_out_ships_judged_on_them(tmp_path):
    search = _search(tmp_path)
    result = _lossy(Moved(search.baseline.runner, lambda feeds: []), search=search)
    assert search.holds_on_more_rows(result) and result.status == "passed"
    assert result.accuracy.per_output["logits"]["decisions"] == CONFIRM_ROWS
    assert not acc.unproven_at(result.accuracy, CONFIRM_CONFIDENCE)


def test_fp32_winners_examples_and_a_look_already_taken_are_left_as_judged(tmp_path):
    search = _search(tmp_path)
    candidate = _changed_in_every_eighth_later_batch(search)
    fp32 = _lossy(candidate, search=search)
    fp32.precision = "fp32"
    assert search.holds_on_more_rows(fp32) and fp32.accuracy.per_output["logits"]["decisions"] == 256

    (tmp_path / "examples").mkdir()
    with_examples = _search(tmp_path / "examples", examples=True)
    given = _lossy(Moved(with_examples.baseline.runner, lambda feeds: []), search=with_examples)
    assert with_examples.holds_on_more_rows(given) and with_examples.baseline.confirmation is None

    # One changed row among the check's: the search's second look judged it at 95% already.
    (tmp_path / "looked").mkdir()
    looked = _search(tmp_path / "looked")
    result = _lossy(_changed_later(looked, 0), search=looked)
    rows = result.accuracy.per_output["logits"]["decisions"]
    assert rows == CONFIRM_ROWS and looked.holds_on_more_rows(result)
    assert result.accuracy.per_output["logits"]["decisions"] == rows


def test_a_look_with_no_changed_row_passes_on_the_rows_it_could_judge(tmp_path):
    """The look's rows are capped by its time and memory: on resnet_like's 224x224 images it judged
    191 rows, fewer than the 268 that prove 0.99 at 95% unchanged. Refused for that, every lossy
    candidate was, and the original shipped against a peer at 1.82x (Zen 4, 4e0b869). As everywhere
    else, no changed row passes and a changed one is held to 95%; with no time to judge more rows,
    the check's own verdict stands (the search keeps the time for the look)."""
    search = _search(tmp_path)
    search.opt.deadline = Deadline(100.0)
    search.opt.deadline.remaining = lambda: 0.0
    result = _lossy(Moved(search.baseline.runner, lambda feeds: []), search=search)
    assert search.holds_on_more_rows(result) and result.status == "passed"
    assert result.accuracy.per_output["logits"]["decisions"] < 268


def test_a_look_that_fails_to_run_refuses_its_candidate(tmp_path):
    search = _search(tmp_path)
    result = _lossy(Moved(search.baseline.runner, lambda feeds: []), search=search)
    result.runner = SimpleNamespace(run=lambda feeds: (_ for _ in ()).throw(RuntimeError("the engine went away")))
    assert not search.holds_on_more_rows(result) and "RuntimeError: the engine went away" in result.reason


def test_a_failed_look_refuses_the_other_unproven_candidates_on_its_graph_and_its_cache_entry(tmp_path):
    from compiler_core.cache import TuningCache

    search = _search(tmp_path)
    candidate = _changed_in_every_eighth_later_batch(search)
    winner = _lossy(candidate, search=search)
    sibling = _lossy(Moved(search.baseline.runner, lambda feeds: []), INT8_DYNAMIC.with_setting(SessionConfig(threads=1)),
                     search)
    proven = _lossy(Moved(search.baseline.runner, lambda feeds: []),
                    INT8_DYNAMIC.with_setting(SessionConfig(hyperthreading=False)), search)
    proven.accuracy = acc.compare_outputs(search.baseline.reference + confirmation_rows(search.inspected, search.baseline)[1],
                                          search.baseline.reference + confirmation_rows(search.inspected, search.baseline)[1],
                                          0.99)
    other_graph = _lossy(Moved(search.baseline.runner, lambda feeds: []), CandidateSpec(graph=Int8DynamicConfig(per_channel=False)),
                         search)
    search.results = [winner, sibling, proven, other_graph]
    search.cache, search.key, search.remembered = TuningCache(tmp_path / "cache"), "k", object()
    search.cache.put("k", {"winner": None})

    assert not search.holds_on_more_rows(winner)

    assert sibling.status == "rejected" and "its graph did as int8_dynamic" in sibling.reason
    assert proven.status == other_graph.status == "passed"  # proven at 95% already; another graph
    assert search.cache.get("k") is None  # replayed, the entry would ship the original every time


def test_rows_a_starved_second_look_made_are_topped_up_when_the_winners_look_has_time(tmp_path):
    search = _search(tmp_path)
    search.baseline.reference_s = 0.032  # 1 ms a batch: 224 batches, 0.224 s to make them all
    first, _ = confirmation_rows(search.inspected, search.baseline, 0.0)
    assert len(first) == 1  # one batch at least, however short the time
    assert abs(winner_look_seconds(search.inspected, search.baseline) - (0.223 + 0.224 + 0.032)) < 1e-9
    feeds, reference = confirmation_rows(search.inspected, search.baseline)
    assert feeds is first and len(feeds) == len(reference) == (CONFIRM_ROWS - 256) // 8
    assert abs(winner_look_seconds(search.inspected, search.baseline) - (0.224 + 0.032)) < 1e-9


def test_only_a_reserve_read_before_each_int8_candidate_sees_a_pass_that_needs_the_look(tmp_path, monkeypatch):
    """The INT8 searches skip a candidate once the budget left is what the runoff and the look need;
    read once before them, the reserve never held the look that one of them made necessary."""
    search = _search(tmp_path)
    search.opt.deadline = SimpleNamespace(allows=lambda seconds: seconds < 10.0)
    reserve = iter([5.0, 5.0, 15.0, 15.0])
    monkeypatch.setattr(search, "try_candidate", lambda spec, builder, percent: CandidateResult(spec=spec, status="passed"))
    specs = [CandidateSpec(graph=Int8DynamicConfig(per_channel=pc, fused_graph=f)) for pc in (True, False) for f in (False, True)]
    search._try_graphs(specs, first_percent=50, last_percent=75, reserve=lambda: next(reserve))
    assert [r.status for r in search.results] == ["passed", "passed", "skipped", "skipped"]
    assert "the last 15 s are kept" in search.results[2].reason


def test_the_search_keeps_the_winners_look_from_its_budget_once_a_pass_needs_it(tmp_path, monkeypatch):
    from compiler_core.pipeline import search as search_module

    monkeypatch.setattr(search_module, "runoff_seconds", lambda baseline: 5.0)
    search = _search(tmp_path)
    del search._runoff_reserve_s  # the fixture's stand-in: the search's own here
    search.opt.deadline = Deadline(100.0)
    search.baseline.reference_s = 0.32  # 32 batches: 10 ms a batch
    # Rows for 2,048 - 256 at 8 a batch (224 batches, 2.24 s) and the winner's runs on them, each within
    # half of WINNER_LOOK_MAX_S, and its runs on the check's 32 batches again.
    look_s = 2 * min(WINNER_LOOK_MAX_S / 2, 2.24) + 0.32
    assert abs(winner_look_seconds(search.inspected, search.baseline) - look_s) < 1e-9
    # Kept only once a lossy pass that would need the look is among the results.
    assert search._runoff_reserve_s() == 5.0
    search.results.append(_lossy(Moved(search.baseline.runner, lambda feeds: []), search=search))
    assert abs(search._runoff_reserve_s() - (5.0 + look_s)) < 1e-9
    search.results[0].precision = "fp32"
    assert search._runoff_reserve_s() == 5.0
    search.results[0].precision = "int8"
    # Rows made already cost nothing more; rows the model refused mean no look.
    confirmation_rows(search.inspected, search.baseline)
    assert abs(search._runoff_reserve_s() - (5.0 + min(WINNER_LOOK_MAX_S / 2, 2.24) + 0.32)) < 1e-9
    search.baseline.confirmation = ([], [])
    assert search._runoff_reserve_s() == 5.0


def _steady(runs, plan=None, should_cancel=None):
    """interleaved_blocks for the runoff tests: each runner's 15 blocks read what its run returns, in ms."""
    from compiler_core.measure import LatencyStats

    ms = [run() for run in runs]
    return [LatencyStats([m] * 15) for m in ms], [[m] * 15 for m in ms]


def _runoff_at_steady_speeds(monkeypatch):
    """The runoff's measurements replaced by _steady, and the optimization and baseline (10 ms) it reads."""
    from compiler_core.pipeline import runoff

    monkeypatch.setattr(runoff, "interleaved_blocks", _steady)
    baseline = SimpleNamespace(primary_label="batch=1", timing_feeds={"batch=1": {}}, ms={"batch=1": 10.0},
                               run=lambda feeds: 10.0)
    opt = SimpleNamespace(progress=lambda *a: None, should_cancel=None, plan=lambda *a: SimpleNamespace(seconds=1.0,
                          min_rounds=5), deadline=SimpleNamespace(allows=lambda seconds: True))
    return runoff, opt, baseline


def _contender(spec: CandidateSpec, ms: float) -> CandidateResult:
    """A lossy candidate that passed its check and runs in `ms` against the baseline's 10 ms."""
    result = CandidateResult(spec=spec, precision="int8", status="passed", complete=True,
                             runner=SimpleNamespace(run=lambda feeds: ms))
    result.comparisons["batch=1"] = Comparison.of(*_steady([lambda: 10.0, lambda: ms]))
    return result


def test_the_runoff_ships_the_next_contender_when_the_fastest_fails_its_look(monkeypatch):
    runoff, opt, baseline = _runoff_at_steady_speeds(monkeypatch)
    fastest, next_best = _contender(INT8_DYNAMIC, 4.0), _contender(CandidateSpec(graph=OpenVinoConfig(precision="int8")), 5.0)
    judged = []

    def holds_up(result):
        judged.append(result.name)
        return result is not fastest

    default, _ = runoff.decide(opt, [fastest, next_best], baseline, holds_up)
    assert default is next_best and judged == [fastest.name, next_best.name]
    assert fastest.runner is None and next_best.runner is None  # sessions released all the same


def test_a_setting_taken_back_ships_its_parent_only_if_the_parent_holds_up_too(monkeypatch):
    runoff, opt, baseline = _runoff_at_steady_speeds(monkeypatch)
    # Head to head the child is slower than its parent: settings_that_earn_their_place takes it back.
    monkeypatch.setattr(runoff, "compare", lambda parent, challenger, plan, cancel=None: Comparison.of(
        *_steady([lambda: 4.9, lambda: 5.0])))

    def pair():
        return _contender(INT8_DYNAMIC, 5.0), _contender(INT8_DYNAMIC.with_setting(SessionConfig(threads=1)), 4.9)

    parent, child = pair()
    default, _ = runoff.decide(opt, [parent, child], baseline, lambda result: result is child)
    assert default is child and child.parent_name == parent.name
    parent, child = pair()
    default, _ = runoff.decide(opt, [parent, child], baseline, lambda result: True)
    assert default is parent
