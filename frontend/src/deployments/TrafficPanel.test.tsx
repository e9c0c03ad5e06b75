import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { deployment, fullReport, job, listed, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { jobLabel } from "./DeploymentControls";

const noHistory = { window: "1h", step_s: 60, sample_interval_s: 15, samples: 0, points: [] };
const lastHour = {
  window: "1h", step_s: 60, sample_interval_s: 15, samples: 9,
  points: [
    { start: "2026-11-25T09:58:00Z", requests: 120, requests_per_s: 2, error_rate: 0, p50_ms: 4, p99_ms: 20 },
    { start: "2026-11-25T09:59:00Z", requests: 300, requests_per_s: 5, error_rate: 0.01, p50_ms: 4.2, p99_ms: 24 },
    { start: "2026-11-25T10:00:00Z", requests: null, requests_per_s: null, error_rate: null, p50_ms: null, p99_ms: null },
  ],
};

const traffic = (requests: number, at: string, extra: Record<string, unknown> = {}) => ({
  reachable: true, message: "", requests, errors: 2, error_rate: 2 / requests,
  latency_ms: { p50: 4.1, p90: 9.5, p99: 24 }, mean_ms: 5.2, observed_at: at, history: noHistory, ...extra,
});

function routes(extra: Record<string, unknown> = {}) {
  return {
    "GET /api/v1/auth/session/": { body: user },
    "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", job: 7 }) },
    "GET /api/v1/models/3/": { body: model },
    "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
    "GET /api/v1/jobs/": { body: listed([]) },
    ...extra,
  };
}

describe("traffic", () => {
  it("shows calls, errors and percentiles since the engine started, and says the history is still empty", async () => {
    const { requests } = fakeServer(routes({ "GET /api/v1/deployments/11/traffic/": { body: traffic(100, "2026-11-25T10:00:00Z") } }));
    renderApp("/deployments/11");
    expect((await screen.findByTestId("traffic-requests")).textContent).toBe("100");
    expect(screen.getByTestId("traffic-errors").textContent).toBe("2");
    expect(screen.getByTestId("traffic").textContent).toContain("2.00% of calls");
    expect(screen.getByTestId("traffic-latency").textContent).toBe("4.100 ms / 9.500 ms / 24.0 ms");
    expect(screen.queryByTestId("traffic-rate")).toBeNull();
    expect(screen.getByTestId("traffic-history-empty")).toBeTruthy();
    expect(requests.find((request) => request.path.startsWith("/api/v1/deployments/11/traffic/"))!.path).toBe(
      "/api/v1/deployments/11/traffic/?window=1h");
  });

  it("draws the last hour beside the totals, with the newest minute's rate", async () => {
    fakeServer(routes({
      "GET /api/v1/deployments/11/traffic/": { body: traffic(420, "2026-11-25T10:00:10Z", { history: lastHour }) },
    }));
    renderApp("/deployments/11");
    expect((await screen.findByTestId("traffic-rate")).textContent).toBe("5.00/s in the last minute sampled");
    expect(screen.getByTestId("traffic-requests").textContent).toBe("420");
    const charts = screen.getByTestId("traffic-charts");
    expect(within(charts).getAllByRole("img").map((chart) => chart.getAttribute("aria-label")!.split(":")[0])).toEqual([
      "Requests per second over the last 3 minutes", "Latency over the last 3 minutes", "Error rate over the last 3 minutes"]);
  });

  it("says plainly when the engine is unreachable, and still draws the history it sampled before", async () => {
    fakeServer(routes({
      "GET /api/v1/deployments/11/traffic/": {
        body: { reachable: false, message: "The serving engine is unreachable: its metrics do not answer.", requests: null,
                errors: null, error_rate: null, latency_ms: null, mean_ms: null, observed_at: "2026-11-25T10:00:00Z",
                history: lastHour },
      },
    }));
    renderApp("/deployments/11");
    expect((await screen.findByTestId("traffic-unreachable")).textContent).toBe(
      "The serving engine is unreachable: its metrics do not answer.");
    expect(screen.queryByTestId("traffic-requests")).toBeNull();
    expect(screen.getByTestId("traffic-chart-rate")).toBeTruthy();
  });
});

describe("redeploy", () => {
  it("labels a job with what tells it apart", () => {
    const label = jobLabel(job({ id: 12, model_version: 2, recipe: "int8", report: fullReport }), 12);
    expect(label).toMatch(/^#12 · v2 · int8 · 1\.42× · .+ · serving now$/);
  });

  it("picks a job from the model's succeeded jobs instead of typing a number", async () => {
    document.cookie = "csrftoken=abc; path=/";
    const { requests } = fakeServer(routes({
      "GET /api/v1/deployments/11/traffic/": { body: traffic(1, "2026-11-25T10:00:00Z") },
      "GET /api/v1/jobs/": {
        body: listed([
          job({ id: 21, status: "succeeded", recipe: "int8", model_version: 2 }),
          job({ id: 7, status: "succeeded" }),
        ]),
      },
      "POST /api/v1/deployments/11/redeploy/": { status: 202, body: deployment({ status: "updating", target_job: 21 }) },
    }));
    renderApp("/deployments/11");
    const form = await screen.findByTestId("redeploy-form");
    const picker = within(form).getByLabelText("Job") as HTMLSelectElement;
    await waitFor(() => expect(picker.options).toHaveLength(2));
    expect([...picker.options].map((option) => option.textContent!.split(" · ").slice(0, 3).join(" · "))).toEqual([
      "#21 · v2 · int8",
      "#7 · v1 · lossless",
    ]);
    expect(picker.value).toBe("7");
    expect(picker.options[1]!.textContent).toContain("serving now");
    const jobsRequest = requests.find((request) => request.path.startsWith("/api/v1/jobs/"))!;
    expect(new URL(jobsRequest.path, "http://x").searchParams.get("status")).toBe("succeeded");
    expect(new URL(jobsRequest.path, "http://x").searchParams.get("model")).toBe("3");
    const user_ = userEvent.setup();
    await user_.selectOptions(picker, "21");
    await user_.click(within(form).getByRole("button", { name: "Redeploy" }));
    await waitFor(() => expect(requests.some((request) => request.method === "POST")).toBe(true));
    expect(requests.find((request) => request.method === "POST")!.body).toMatchObject({ job: 21 });
  });
});
