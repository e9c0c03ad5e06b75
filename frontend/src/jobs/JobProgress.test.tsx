import { render, screen } from "@testing-library/react";
import { job } from "../test/fixtures";
import { JobProgress, jobTiming } from "./JobProgress";

const started = "2026-11-25T10:00:00Z";
const at = (seconds: number) => Date.parse(started) + seconds * 1000;

describe("jobTiming", () => {
  it("extrapolates the rate so far", () => {
    expect(jobTiming({ started_at: started, progress: 25, options: {} }, at(60))).toEqual({
      elapsedS: 60, remainingS: 180, basis: "progress",
    });
  });

  it("lets the time budget bound the estimate", () => {
    expect(jobTiming({ started_at: started, progress: 20, options: { time_budget_s: 120 } }, at(60))).toEqual({
      elapsedS: 60, remainingS: 60, basis: "time budget",
    });
    // Too little progress to extrapolate: the budget alone.
    expect(jobTiming({ started_at: started, progress: 2, options: { time_budget_s: 300 } }, at(30))!.remainingS).toBe(270);
  });

  it("counts down from the budget the worker runs when it raised the request's", () => {
    // 30 s asked, raised to 90 s (the model's minimum): at 60 s the search still has 30 s, not "past".
    const raised = { started_at: started, progress: 5, options: { time_budget_s: 30 }, effective_time_budget_s: 90 };
    expect(jobTiming(raised, at(60))).toEqual({ elapsedS: 60, remainingS: 30, basis: "time budget" });
    expect(jobTiming({ ...raised, effective_time_budget_s: null }, at(60))!.remainingS).toBe(0);
  });

  it("gives elapsed time alone when nothing predicts the end, and nothing before the start", () => {
    expect(jobTiming({ started_at: started, progress: 5, options: {} }, at(10))).toEqual({
      elapsedS: 10, remainingS: null, basis: null,
    });
    expect(jobTiming({ started_at: null, progress: 0, options: {} }, at(10))).toBeNull();
  });
});

describe("JobProgress", () => {
  it("shows how long a running job has run and about how long it has left", () => {
    render(<JobProgress job={job({ started_at: new Date(Date.now() - 90_000).toISOString(), progress: 50 })} />);
    expect(screen.getByTestId("job-elapsed").textContent).toMatch(/^running for 1 min 3\d s · about 1 min 3\d s left \(from progress\)$/);
  });

  it("shows no clock once the job is over", () => {
    render(<JobProgress job={job({ status: "succeeded", progress: 100, finished_at: "2026-11-25T10:05:00Z" })} />);
    expect(screen.queryByTestId("job-elapsed")).toBeNull();
  });
});
