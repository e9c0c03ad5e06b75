import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { job, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { jobDuration } from "./JobsPage";

function listed<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}

const jobs = [
  job({ id: 9, status: "failed", recipe: "int8", owner: "bob", started_at: "2026-11-25T10:00:00Z",
        finished_at: "2026-11-25T10:02:05Z", error: "calibration ran out of memory\nTraceback (most recent call last): ..." }),
  job({ id: 8, status: "succeeded", model: 4, model_name: "resnet", finished_at: "2026-11-25T10:00:41Z",
        report: { overall: { speedup: 1.84 } } as Job["report"] }),
];
type Job = ReturnType<typeof job>;

describe("JobsPage", () => {
  it("shows owner, duration, the failure reason and links each model", async () => {
    fakeServer({ "GET /api/v1/auth/session/": { body: user }, "GET /api/v1/jobs/": { body: listed(jobs) } });
    renderApp("/jobs");
    const table = await screen.findByTestId("jobs-table");
    const headers = within(table).getAllByRole("columnheader").map((cell) => cell.textContent);
    expect(headers).toEqual(["Compare", "Job", "Model", "Recipe", "Status", "Speed-up", "Owner", "Duration", "Created"]);
    expect(screen.getAllByTestId("job-duration").map((cell) => cell.textContent)).toEqual(["2 min 5 s", "40 s"]);
    const failure = screen.getByTestId("job-failure");
    expect(failure.textContent).toBe("calibration ran out of memory");
    expect(failure.getAttribute("title")).toContain("Traceback");
    expect(within(table).getByRole("link", { name: "resnet" }).getAttribute("href")).toBe("/models/4");
    expect(within(table).getByText("bob")).toBeTruthy();
    expect(within(table).getByText("1.84×")).toBeTruthy();
  });

  it("filters by status, recipe, owner, day and model, kept in the URL and sent to the API", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/": { body: listed(jobs) },
    });
    const { router } = renderApp("/jobs");
    const actions = userEvent.setup();
    await screen.findByTestId("jobs-table");
    await actions.selectOptions(screen.getByLabelText("Status"), "failed");
    await actions.selectOptions(screen.getByLabelText("Recipe"), "int8");
    await actions.type(screen.getByLabelText("Owner"), "bob{Enter}");
    await actions.type(screen.getByLabelText("Created from"), "2026-11-01");
    await actions.click(screen.getByRole("button", { name: "Only jobs of resnet" }));
    await waitFor(() => expect(router.state.location.search).toContain("model=4"));
    const search = new URLSearchParams(router.state.location.search);
    expect(Object.fromEntries(search)).toEqual({
      status: "failed", recipe: "int8", owner: "bob", created_after: "2026-11-01", model: "4",
    });
    await waitFor(() => {
      const last = new URL(requests.filter((request) => request.path.startsWith("/api/v1/jobs/")).pop()!.path, "http://x");
      expect(Object.fromEntries(last.searchParams)).toMatchObject({
        status: "failed", recipe: "int8", owner: "bob", created_after: "2026-11-01", model: "4", page: "1",
      });
    });
    expect(screen.getByTestId("job-model-filter").textContent).toContain("Model:");
    await actions.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(screen.getByLabelText("Owner")).toHaveProperty("value", "");
  });

  it("opens with the filters of a shared link", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/": { body: listed([]) },
    });
    renderApp("/jobs?status=running&owner=ada");
    expect((await screen.findByText("No job matches these filters.")).textContent).toBeTruthy();
    expect(screen.getByLabelText("Status")).toHaveProperty("value", "running");
    const sent = requests.find((request) => request.path.startsWith("/api/v1/jobs/"))!;
    expect(sent.path).toContain("status=running");
    expect(sent.path).toContain("owner=ada");
  });

  it("measures a running job up to now and says a queued one waits", () => {
    const now = Date.parse("2026-11-25T12:30:00Z");
    expect(jobDuration({ status: "running", started_at: "2026-11-25T10:00:00Z", finished_at: null }, now)).toBe("2 h 30 min");
    expect(jobDuration({ status: "queued", started_at: null, finished_at: null }, now)).toBe("waiting");
    expect(jobDuration({ status: "cancelled", started_at: null, finished_at: "2026-11-25T10:00:00Z" }, now)).toBe("—");
  });

  it("ticks jobs to compare, and links the comparison with the selection in the URL", async () => {
    fakeServer({ "GET /api/v1/auth/session/": { body: user }, "GET /api/v1/jobs/": { body: listed(jobs) } });
    const { router } = renderApp("/jobs");
    const user_ = userEvent.setup();
    await user_.click(await screen.findByRole("checkbox", { name: "Compare job #9" }));
    expect(screen.getByTestId("compare-bar").textContent).toContain("pick one more");
    expect(screen.queryByTestId("compare-link")).toBeNull();
    await user_.click(screen.getByRole("checkbox", { name: "Compare job #8" }));
    const link = screen.getByTestId("compare-link");
    expect(link.textContent).toBe("Compare 2 jobs");
    expect(link.getAttribute("href")).toBe("/compare?jobs=9,8");
    // Unticking drops it again.
    await user_.click(screen.getByRole("checkbox", { name: "Compare job #9" }));
    expect(screen.queryByTestId("compare-link")).toBeNull();
    expect(router.state.location.pathname).toBe("/jobs");
  });
});
