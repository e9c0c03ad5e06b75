"""A setting added on top of a candidate ships only if it beats that candidate head to head.

The measurements are given (steady blocks), so what is tested is the decision, not a timing.
"""

from compiler_core.candidates.spec import (CandidateSpec, Int8DynamicConfig, Int8StaticConfig, OpenVinoConfig,
                                           SessionConfig, StaticShapesConfig)
from compiler_core.measure import Comparison, LatencyStats
from compiler_core.pipeline import CandidateResult, needs_another_runoff, settings_that_earn_their_place
from compiler_core.report import _why_lost

INT8_PER_TENSOR = CandidateSpec(graph=Int8DynamicConfig(per_channel=False))
INT8_DYNAMIC = CandidateSpec(graph=Int8DynamicConfig())
INT8_STATIC = CandidateSpec(graph=Int8StaticConfig())
OPENVINO_INT8 = CandidateSpec(graph=OpenVinoConfig(precision="int8"))
SINGLE_THREAD = SessionConfig(threads=1)
NO_HYPERTHREADING = SessionConfig(hyperthreading=False)


def _comparison(baseline_ms: float, candidate_ms: float) -> Comparison:
    """Eight steady interleaved blocks of each."""
    return Comparison(baseline=LatencyStats([baseline_ms] * 8), candidate=LatencyStats([candidate_ms] * 8),
                      baseline_blocks=[baseline_ms] * 8, candidate_blocks=[candidate_ms] * 8)


def _in_runoff(spec: CandidateSpec, runoff: float | Comparison) -> CandidateResult:
    """A candidate that met the others in the runoff: at a steady `runoff` speed-up, or as measured."""
    result = CandidateResult(spec=spec, status="passed", complete=True, runner=object())
    result.runoff = runoff if isinstance(runoff, Comparison) else _comparison(10.0, 10.0 / runoff)
    result.runoff_speedup = result.runoff.speedup
    return result


class Duels:
    """Head-to-head results by challenger name: the challenger's speed-up over its parent."""

    def __init__(self, **speedups: float):
        self.speedups = speedups
        self.fought: list[tuple[str, str]] = []

    def __call__(self, parent: CandidateResult, challenger: CandidateResult) -> Comparison:
        self.fought.append((parent.name, challenger.name))
        return _comparison(10.0, 10.0 / self.speedups[challenger.name])


def test_a_setting_that_loses_head_to_head_is_taken_back():
    plain = _in_runoff(INT8_PER_TENSOR, 2.12)
    single_thread = _in_runoff(INT8_PER_TENSOR.with_setting(SINGLE_THREAD), 2.32)  # ahead in the runoff
    duels = Duels(**{"int8_dynamic_per_tensor+single_thread": 0.90})  # behind when the two meet

    chosen = settings_that_earn_their_place(single_thread, [single_thread, plain], duels)

    assert chosen is plain
    assert duels.fought == [("int8_dynamic_per_tensor", "int8_dynamic_per_tensor+single_thread")]
    assert "did not earn its place" in _why_lost(single_thread, chosen)


def test_a_tie_goes_to_the_candidate_without_the_setting():
    plain, tuned = _in_runoff(OPENVINO_INT8, 2.40), _in_runoff(OPENVINO_INT8.with_setting(NO_HYPERTHREADING), 2.45)

    assert settings_that_earn_their_place(tuned, [tuned, plain], Duels(**{tuned.name: 1.0})) is plain


def test_a_gain_too_small_to_prove_still_keeps_the_setting():
    # Both beat the baseline already; between the two, the faster one in the paired run ships.
    plain, static = _in_runoff(OPENVINO_INT8, 2.36), _in_runoff(OPENVINO_INT8.with_setting(StaticShapesConfig()), 2.62)

    assert settings_that_earn_their_place(static, [static, plain], Duels(**{static.name: 1.04})) is static


def test_each_setting_of_a_chain_is_judged_on_its_own():
    base = _in_runoff(OPENVINO_INT8, 2.36)
    static = _in_runoff(OPENVINO_INT8.with_setting(StaticShapesConfig()), 2.62)
    both = _in_runoff(static.spec.with_setting(NO_HYPERTHREADING), 2.63)
    assert both.name == "openvino_int8+static_shapes+no_hyperthreading"
    duels = Duels(**{both.name: 1.00, static.name: 1.12})  # static shapes pay, the thread setting does not

    chosen = settings_that_earn_their_place(both, [both, static, base], duels)

    assert chosen is static
    assert duels.fought == [(static.name, both.name), (base.name, static.name)]
    assert _why_lost(static, chosen) is None


def test_a_setting_that_wins_head_to_head_ships():
    plain, tuned = _in_runoff(INT8_STATIC, 2.0), _in_runoff(INT8_STATIC.with_setting(SINGLE_THREAD), 2.4)

    assert settings_that_earn_their_place(tuned, [tuned, plain], Duels(**{tuned.name: 1.15})) is tuned


def test_without_a_proven_parent_the_runoff_winner_stands():
    tuned = _in_runoff(INT8_DYNAMIC.with_setting(SINGLE_THREAD), 2.0)
    gone = _in_runoff(INT8_DYNAMIC, 1.9)
    gone.runner = None  # its session was released: it could not have won anyway
    no_gain = _in_runoff(INT8_DYNAMIC, 1.01)  # not a gain over the baseline to fall back to
    duels = Duels()

    assert settings_that_earn_their_place(tuned, [tuned, gone], duels) is tuned
    assert settings_that_earn_their_place(tuned, [tuned, no_gain], duels) is tuned
    assert settings_that_earn_their_place(tuned, [tuned], duels) is tuned
    assert settings_that_earn_their_place(None, [tuned], duels) is None
    assert duels.fought == []


def test_the_parent_is_the_spec_without_its_last_setting_not_a_name_that_reads_like_one():
    # Same graph pass, other config: int8_dynamic_per_tensor is not the parent of int8_dynamic+single_thread,
    # whatever the names share.
    tuned = _in_runoff(INT8_DYNAMIC.with_setting(SINGLE_THREAD), 2.4)
    other_config = _in_runoff(INT8_PER_TENSOR, 2.0)
    duels = Duels(**{tuned.name: 0.5})
    assert settings_that_earn_their_place(tuned, [tuned, other_config], duels) is tuned
    assert duels.fought == []

    # A result made by hand with a name only has no spec: its name is never taken apart to find a parent.
    by_name = CandidateResult(name="int8_dynamic+single_thread", status="passed", complete=True, runner=object())
    by_name.runoff = _comparison(10.0, 10.0 / 2.4)
    plain = _in_runoff(INT8_DYNAMIC, 2.0)
    assert settings_that_earn_their_place(by_name, [by_name, plain], duels) is by_name
    assert duels.fought == []


def test_a_result_and_its_spec_cannot_disagree_on_the_name():
    import pytest

    with pytest.raises(ValueError, match="spec of 'int8_static'"):
        CandidateResult(name="int8_dynamic", spec=INT8_STATIC)
    assert CandidateResult(spec=INT8_STATIC.with_setting(SINGLE_THREAD)).name == "int8_static+single_thread"


def _noisy(speedup: float, spread: float) -> Comparison:
    """Fifteen blocks whose medians read `speedup`, each runner's blocks spread by +-`spread`."""
    wobble = [1.0 + spread * ((i * 7) % 15 - 7) / 7 for i in range(15)]
    baseline = [10.0 * w for w in wobble]
    candidate = [10.0 / speedup * w for w in reversed(wobble)]
    return Comparison(baseline=LatencyStats(baseline), candidate=LatencyStats(candidate),
                      baseline_blocks=baseline, candidate_blocks=candidate)


def test_a_gain_the_runoffs_noise_hides_is_measured_once_more():
    """ppocr_cls's runoff read 1.56x +-66% and shipped the original: such a runoff meets again."""
    hidden = _in_runoff(OPENVINO_INT8, _noisy(1.5, 0.9))
    assert not hidden.runoff.significant_gain and hidden.runoff.speedup > 1.4
    assert needs_another_runoff([hidden])
    # A gain already proved, or no gain worth shipping, needs no second run.
    assert not needs_another_runoff([hidden, _in_runoff(INT8_STATIC, _noisy(1.5, 0.05))])
    assert not needs_another_runoff([_in_runoff(INT8_STATIC, _noisy(1.01, 0.9))])


def _confirming(monkeypatch, *runs: Comparison):
    """_confirmed over measurements given in turn: each interleaved run returns the next of `runs`."""
    from types import SimpleNamespace

    from compiler_core.pipeline import runoff

    given = list(runs)

    def measured(runners, plan, should_cancel=None):
        comparison = given.pop(0)
        return ([comparison.baseline, comparison.candidate],
                [list(comparison.baseline_blocks), list(comparison.candidate_blocks)])

    monkeypatch.setattr(runoff, "interleaved_blocks", measured)
    opt = SimpleNamespace(progress=lambda *a: None, should_cancel=None,
                          deadline=SimpleNamespace(allows=lambda seconds: True))
    result = _in_runoff(OPENVINO_INT8, 1.3)
    confirmed = runoff._confirmed(opt, result, SimpleNamespace(run=None), {}, None)
    return confirmed, result, given


def test_a_confirmation_whose_noise_hides_the_gain_is_measured_once_more(monkeypatch):
    """BlazeFace's openvino_f32 won the runoff at 1.31x and its confirmation read 1.26x, too noisy to
    prove: the original shipped against a peer at 1.16x. A second run decides with the first."""
    confirmed, result, left = _confirming(monkeypatch, _noisy(1.26, 0.9), _noisy(1.26, 0.05))
    assert confirmed and not left and len(result.confirmation.candidate_blocks) == 30
    # A confirmation that proves the gain, or reads none worth shipping, runs once.
    confirmed, _, left = _confirming(monkeypatch, _noisy(1.26, 0.05), _noisy(1.26, 0.05))
    assert confirmed and len(left) == 1
    confirmed, _, left = _confirming(monkeypatch, _noisy(1.01, 0.9), _noisy(1.26, 0.05))
    assert not confirmed and len(left) == 1
    # A burst that made the first run read a gain fails the second too: noise twice is still noise.
    confirmed, _, left = _confirming(monkeypatch, _noisy(1.26, 0.9), _noisy(1.0, 0.9))
    assert not confirmed and not left
