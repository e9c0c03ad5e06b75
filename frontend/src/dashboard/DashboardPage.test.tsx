import { render, screen } from "@testing-library/react";
import { fakeServer } from "../test/fakeServer";
import { user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { SpeedupHistogram } from "./DashboardPage";

const buckets = [
  { label: "<1.0x", count: 1 },
  { label: "1.0-1.1x", count: 2 },
  { label: "1.1-1.5x", count: 3 },
  { label: ">=1.5x", count: 4 },
];

describe("DashboardPage", () => {
  it("shows the speed-up distribution and the share above 1.1x", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/analytics/speedups/": {
        body: {
          jobs: 10,
          share_above_1_1: 0.7,
          buckets,
          by_recipe: { lossless: { jobs: 10, share_above_1_1: 0.7, buckets } },
          by_family: { dense: { jobs: 10, share_above_1_1: 0.7, buckets } },
        },
      },
    });
    renderApp("/dashboard");
    expect((await screen.findByTestId("dashboard-share")).textContent).toBe("70%");
    expect(screen.getByTestId("dashboard-jobs").textContent).toBe("10");
    const histogram = screen.getByTestId("speedup-histogram");
    expect(histogram.getAttribute("role")).toBe("img");
    expect(histogram.getAttribute("aria-label")).toBe("Jobs per speed-up: <1.0x: 1, 1.0-1.1x: 2, 1.1-1.5x: 3, >=1.5x: 4");
    // One bar per bucket on one scale from zero, its count printed beside it.
    const widths = [...histogram.querySelectorAll(".recharts-bar-rectangle .recharts-rectangle")].map((bar) =>
      Number(bar.getAttribute("width")),
    );
    expect(widths).toHaveLength(4);
    widths.forEach((width, index) => expect(width).toBeCloseTo((widths[3]! * (index + 1)) / 4));
    expect([...histogram.querySelectorAll(".recharts-label")].map((label) => label.textContent)).toEqual(["1", "2", "3", "4"]);
    expect([...histogram.querySelectorAll(".category-tick")].map((tick) => tick.textContent)).toEqual(
      buckets.map((bucket) => bucket.label),
    );
    expect(screen.getByTestId("speedups-by-recipe").textContent).toContain("lossless");
  });

  it("has an empty state before any job finished", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/analytics/speedups/": { body: { jobs: 0, share_above_1_1: null, buckets: [], by_recipe: {}, by_family: {} } },
    });
    renderApp("/dashboard");
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No finished optimization yet");
  });

  it("prints 0 beside a bucket no job fell in, without a bar", () => {
    render(<SpeedupHistogram buckets={[{ label: "<1.0x", count: 0 }, { label: ">=1.5x", count: 3 }]} />);
    const histogram = screen.getByTestId("speedup-histogram");
    expect(histogram.querySelectorAll(".recharts-bar-rectangle .recharts-rectangle")).toHaveLength(1);
    expect([...histogram.querySelectorAll(".recharts-label")].map((label) => label.textContent)).toEqual(["0", "3"]);
  });
});
