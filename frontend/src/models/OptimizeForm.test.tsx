import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { fakeServer } from "../test/fakeServer";
import { optimizingModelRoutes } from "../test/fixtures";
import { renderApp } from "../test/render";

// Defaults unlike the real ones: the form must show whatever the generated contract says, not a
// literal of its own (the real file is generated from the API's OpenAPI component, itself derived
// from the compiler core's request contract; check-client keeps it current).
vi.mock("../api/generated/contractDefaults", () => ({
  optimizationRequestDefaults: { accuracy_budget: 0.95, device: "gpu", priority: 0, recipe: "int8" },
  optimizationRequestBounds: {
    accuracy_budget: { minimum: 0.5, maximum: 1, exclusiveMinimum: true },
    priority: { minimum: 0, maximum: 9 },
    time_budget_s: { minimum: 30, maximum: 3600 },
  },
  recipeAccuracyBudgets: { lossless: 0.99995 },
}));

describe("OptimizeForm", () => {
  it("takes its defaults and bounds from the generated request contract, and sends them unchanged", async () => {
    const { requests } = fakeServer(optimizingModelRoutes());
    const { router } = renderApp("/models/3");
    const budget = (await screen.findByLabelText("Accuracy budget (minimum cosine similarity)")) as HTMLInputElement;
    expect(budget.value).toBe("0.95");
    expect([budget.min, budget.max]).toEqual(["0.5", "1"]);
    const timeBudget = screen.getByLabelText("Time budget (seconds)") as HTMLInputElement;
    expect([timeBudget.min, timeBudget.max]).toEqual(["30", "3600"]);
    expect((screen.getByLabelText("Recipe") as HTMLSelectElement).value).toBe("int8");
    expect((screen.getByLabelText("Device") as HTMLSelectElement).value).toBe("gpu");

    await userEvent.setup().click(screen.getByTestId("optimize-submit"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/9"));
    const post = requests.find((request) => request.method === "POST");
    expect(post?.body).toEqual({ recipe: "int8", device: "gpu", accuracy_budget: 0.95 });
  });

  it("shows the budget the lossless recipe fixes from the contract, and sends none", async () => {
    const { requests } = fakeServer(optimizingModelRoutes());
    const { router } = renderApp("/models/3");
    const user_ = userEvent.setup();
    await user_.selectOptions(await screen.findByLabelText("Recipe"), "lossless");
    const budget = screen.getByLabelText("Accuracy budget (minimum cosine similarity)") as HTMLInputElement;
    expect(budget.value).toBe("0.99995");
    expect(budget.disabled).toBe(true);
    expect(screen.getByText("Lossless keeps fp32 numerics (cosine ≥ 0.99995).")).toBeTruthy();

    await user_.click(screen.getByTestId("optimize-submit"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/9"));
    const post = requests.find((request) => request.method === "POST");
    expect(post?.body).toEqual({ recipe: "lossless", device: "gpu" });
  });
});
