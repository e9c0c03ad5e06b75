import { screen } from "@testing-library/react";
import { fakeServer } from "../test/fakeServer";
import { user } from "../test/fixtures";
import { renderApp } from "../test/render";

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
    expect(screen.getByTestId("speedup-histogram").getAttribute("aria-label")).toContain(">=1.5x: 4");
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
});
