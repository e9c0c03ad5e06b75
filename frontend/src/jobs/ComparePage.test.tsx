import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { fullReport, job, routedReport, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { parseJobIds } from "./compare";

const cells = (testId: string) =>
  [...screen.getByTestId(testId).querySelectorAll("td")].map((cell) => cell.textContent);

describe("ComparePage", () => {
  it("reads the selection from the URL, leniently", () => {
    expect(parseJobIds("12, 15,x,12,-3,0,7")).toEqual([12, 15, 7]);
    expect(parseJobIds(null)).toEqual([]);
    expect(parseJobIds("1,2,3,4,5,6,7,8,9,10")).toHaveLength(8);
  });

  it("shows two jobs side by side: headline, shipped, accuracy, per-shape latency and kernels", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/12/": { body: job({ id: 12, status: "succeeded", model_version: 1, report: fullReport }) },
      "GET /api/v1/jobs/15/": {
        body: job({ id: 15, status: "succeeded", model_version: 2, recipe: "auto", report: routedReport }),
      },
    });
    renderApp("/compare?jobs=12,15");
    await waitFor(() => expect(cells("compare-speedup")[1]).toContain("1.00×"));
    expect(requests.map((request) => request.path).filter((path) => path.startsWith("/api/v1/jobs/"))).toEqual([
      "/api/v1/jobs/12/",
      "/api/v1/jobs/15/",
    ]);
    expect(screen.getAllByTestId("compare-column").map((cell) => cell.textContent)).toEqual([
      "Job #12tiny-mlp v1 · lossless",
      "Job #15tiny-mlp v2 · auto",
    ]);
    // The better headline is marked; the shape-set figure names its shapes, and with one job
    // reporting it there is nothing to rank.
    expect(cells("compare-speedup")[0]).toBe("1.42× ★");
    expect(cells("compare-shape-set")).toEqual(["—", "1.96× over batch=1, batch=4, batch=16"]);
    expect(cells("compare-shipped")).toEqual([
      "ort_fusion",
      "originalroutes batch=4 → int8_static+no_spinningroutes batch=16 → int8_static+no_spinning",
    ]);
    expect(cells("compare-accuracy")[1]).toBe("passed cosine 0.998100 (budget 0.9900)");
    // Shapes line up by label across jobs; a shape one job did not measure says so.
    const shapeRows = screen.getAllByTestId("compare-shape-row");
    expect(shapeRows.map((row) => row.querySelector("th")!.textContent)).toEqual(["batch=1", "batch=16", "batch=4"]);
    expect([...shapeRows[2]!.querySelectorAll("td")].map((cell) => cell.textContent)).toEqual([
      "not measured",
      "0.760 ms (2.50× of 1.900 ms)",
    ]);
    expect([...screen.getAllByTestId("compare-kernel-row")].map((row) => row.textContent)).toContain("Total12 → 710 → 6");
    expect(document.title).toBe("Compare jobs #12, #15 · Whetstone");
  });

  it("says what is wrong with a job it cannot read, and removes a job from the URL", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/12/": { body: job({ id: 12, status: "succeeded", report: fullReport }) },
      "GET /api/v1/jobs/99/": { status: 404, body: { detail: "No Job matches the given query." } },
      "GET /api/v1/jobs/7/": { body: job({ id: 7, status: "running" }) },
    });
    const { router } = renderApp("/compare?jobs=12,99,7");
    const table = await screen.findByTestId("compare-table");
    await waitFor(() => expect(within(table).getByText("No Job matches the given query.")).toBeTruthy());
    expect(within(table).getByText("running")).toBeTruthy();
    await userEvent.setup().click(screen.getByRole("button", { name: "Remove job #99 from the comparison" }));
    expect(router.state.location.search).toBe("?jobs=12%2C7");
    expect(screen.getAllByTestId("compare-column")).toHaveLength(2);
  });

  it("asks for jobs when fewer than two are picked, and adds one by number", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/12/": { body: job({ id: 12, status: "succeeded", report: fullReport }) },
    });
    const { router } = renderApp("/compare");
    expect((await screen.findByTestId("compare-hint")).textContent).toContain("Pick two or more jobs");
    const user_ = userEvent.setup();
    await user_.type(screen.getByLabelText("Add job"), "#12");
    await user_.click(screen.getByRole("button", { name: "Add" }));
    expect(router.state.location.search).toBe("?jobs=12");
    expect(await screen.findByTestId("compare-table")).toBeTruthy();
  });
});
