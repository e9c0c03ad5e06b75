"""`whetstone optimize --min-speedup` is how a CI pipeline fails a build: it must judge the
number the report leads with, the speed-up at the primary shape, and never let other shapes'
gains carry a shape that did not get faster."""

from whetstone_cli.main import EXIT_OK, EXIT_THRESHOLD, build_parser, judge

# Batch 1 (the shape the user named first) did not get faster; batch 4 and 16 were routed to a
# candidate 2.5x and 3x faster there, so the shape set's geometric mean is 1.96x.
ROUTED_ELSEWHERE = {
    "report_version": 2,
    "overall": {"shape": "batch=1", "baseline_ms": 0.549, "optimized_ms": 0.549, "speedup": 1.0,
                "shape_set": ["batch=1", "batch=4", "batch=16"], "shape_set_speedup": 1.9574},
    "accuracy": {"metric": "cosine", "value": 0.9999},
}


def _job(report):
    return {"id": 7, "status": "succeeded", "report": report, "package_url": None}


def test_min_speedup_judges_the_primary_shape_not_the_shape_set():
    code, summary = judge(_job(ROUTED_ELSEWHERE), min_speedup=1.2, max_accuracy_drop=None)
    assert code == EXIT_THRESHOLD
    assert summary["speedup"] == 1.0 and summary["speedup_shape"] == "batch=1"
    assert summary["missed"] == ["speedup 1.0 at batch=1 < --min-speedup 1.2"]


def test_min_shape_set_speedup_judges_the_geometric_mean_and_says_which_shapes():
    code, summary = judge(_job(ROUTED_ELSEWHERE), min_speedup=None, max_accuracy_drop=None,
                          min_shape_set_speedup=1.5)
    assert code == EXIT_OK and summary["shape_set_speedup"] == 1.9574
    assert summary["shape_set"] == ["batch=1", "batch=4", "batch=16"]
    code, summary = judge(_job(ROUTED_ELSEWHERE), min_speedup=None, max_accuracy_drop=None,
                          min_shape_set_speedup=2.0)
    assert code == EXIT_THRESHOLD and "batch=1, batch=4, batch=16" in summary["missed"][0]


def test_a_report_written_before_the_headline_changed_is_judged_on_its_own_latencies():
    # report_version 1 kept the geometric mean in overall.speedup beside the primary shape's latencies.
    old = {"report_version": 1, "overall": {"shape": "batch=1", "baseline_ms": 0.549, "optimized_ms": 0.549, "speedup": 1.88},
           "shapes": [{"label": "batch=1"}, {"label": "batch=4"}, {"label": "batch=16"}]}
    code, summary = judge(_job(old), min_speedup=1.2, max_accuracy_drop=None)
    assert code == EXIT_THRESHOLD
    assert (summary["speedup"], summary["shape_set_speedup"]) == (1.0, 1.88)
    assert summary["shape_set"] == ["batch=1", "batch=4", "batch=16"]


def test_the_optimize_command_takes_both_thresholds():
    args = build_parser().parse_args(["optimize", "m", "--min-speedup", "1.2", "--min-shape-set-speedup", "1.5"])
    assert (args.min_speedup, args.min_shape_set_speedup) == (1.2, 1.5)
