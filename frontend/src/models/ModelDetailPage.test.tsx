import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { deployment, job, listed, model, optimizingModelRoutes, recommendations, user } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("ModelDetailPage", () => {
  it("shows the signature with its dynamic dims and the node counts by category", async () => {
    fakeServer({ "GET /api/v1/auth/session/": { body: user }, "GET /api/v1/models/3/": { body: model } });
    renderApp("/models/3");
    expect((await screen.findByTestId("model-name")).textContent).toBe("tiny-mlp");
    expect(screen.getByTestId("signature-input").textContent).toContain("[batch, 16]");
    expect(screen.getAllByTestId("dynamic-dim").map((dim) => dim.textContent)).toEqual(["batch", "batch"]);
    expect(screen.getByTestId("dynamic-dims").textContent).toContain("batch");
    expect(screen.getByTestId("node-count-compute").querySelector("td")!.textContent).toBe("1");
    expect(screen.getByTestId("node-count-memory").querySelector("td")!.textContent).toBe("2");
    expect(screen.getByTestId("node-count-total").querySelector("td")!.textContent).toBe("3");
  });

  it("starts an optimization with the chosen recipe and budget, then opens the job", async () => {
    const { requests } = fakeServer(optimizingModelRoutes());
    const { router } = renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.selectOptions(await screen.findByLabelText("Recipe"), "int8");
    const budget = screen.getByLabelText("Accuracy budget (minimum cosine similarity)");
    await userActions.clear(budget);
    await userActions.type(budget, "0.98");
    await userActions.type(screen.getByLabelText("Shapes"), "batch=1,8");
    await userActions.click(screen.getByTestId("optimize-submit"));

    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/9"));
    const post = requests.find((request) => request.method === "POST");
    expect(post?.body).toEqual({ recipe: "int8", device: "cpu", accuracy_budget: 0.98, shapes: "batch=1,8" });
  });

  it("optimizes for a hardware class the fleet has online", async () => {
    const { requests } = fakeServer({
      ...optimizingModelRoutes(),
      "GET /api/v1/hardware/": {
        body: [
          { hardware_class: "x86_64-amd-avx2", workers: [], engines: [] },
          { hardware_class: "x86_64-intel-amx", workers: [], engines: [] },
        ],
      },
    });
    const { router } = renderApp("/models/3");
    const userActions = userEvent.setup();
    const select = await screen.findByLabelText("Hardware class");
    await waitFor(() => expect(select.querySelectorAll("option")).toHaveLength(3));
    await userActions.selectOptions(select, "x86_64-intel-amx");
    await userActions.click(screen.getByTestId("optimize-submit"));

    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/9"));
    const post = requests.find((request) => request.method === "POST");
    expect(post?.body).toMatchObject({ recipe: "auto", device: "cpu", hardware_class: "x86_64-intel-amx" });
  });

  it("sends calibration files as multipart beside the chosen recipe, and shows the server's verdict on them", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: model },
      "POST /api/v1/models/3/optimizations/": {
        status: 400,
        body: { detail: "Invalid input.", errors: { calibration: ["b.npz lacks the inputs ['input']"] } },
      },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.selectOptions(await screen.findByLabelText("Recipe"), "int8");
    await userActions.upload(screen.getByLabelText("Calibration data (optional)"), [
      new File(["a"], "a.npz"),
      new File(["b"], "b.npz"),
    ]);
    await userActions.click(screen.getByTestId("optimize-submit"));
    expect((await screen.findByTestId("field-error-calibration")).textContent).toContain("lacks the inputs");
    const form = requests.find((request) => request.method === "POST")?.body as FormData;
    expect(form.get("recipe")).toBe("int8");
    expect(form.getAll("calibration")).toHaveLength(2);
  });

  it("shows the server's message beside the shapes field", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: model },
      "POST /api/v1/models/3/optimizations/": {
        status: 400,
        body: { detail: "Invalid input.", errors: { shapes: ["Unknown dim 'seq'; this model's dynamic dims: batch."] } },
      },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Shapes"), "seq=4");
    await userActions.click(screen.getByTestId("optimize-submit"));
    expect((await screen.findByTestId("field-error-shapes")).textContent).toContain("Unknown dim 'seq'");
  });

  it("waits for inspection before offering to optimize, and updates by itself", async () => {
    const inspecting = {
      ...model,
      signature: null,
      node_counts: null,
      latest_version: { ...model.latest_version!, status: "inspecting", status_message: "Signature being computed." },
    };
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": [{ body: inspecting }, { body: model }],
    });
    renderApp("/models/3");
    expect((await screen.findByTestId("version-status")).textContent).toContain("Signature being computed.");
    expect((screen.getByTestId("optimize-submit") as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(screen.queryByTestId("version-status")).toBeNull(), { timeout: 5000 });
    expect((screen.getByTestId("optimize-submit") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says when the model does not exist", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/404/": { status: 404, body: { detail: "Not found.", errors: {} } },
    });
    renderApp("/models/404");
    expect((await screen.findByTestId("error-state")).textContent).toContain("Not found");
  });
});

describe("ModelDetailPage extras", () => {
  it("shows the inspection's advice, the card, versions, jobs and deployments", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: { ...model, card: "# Tiny MLP\n\nTrained on **noise**.", tags: ["vision"] } },
      "GET /api/v1/models/3/versions/1/": { body: { ...model.latest_version, inspection: { recommendations } } },
      "GET /api/v1/models/3/versions/": { body: listed([model.latest_version]) },
      // The API filters by `?model=`; the fake does too, so a page that forgot the filter shows model 99's job.
      "GET /api/v1/jobs/": (request) => ({
        body: listed(
          [job({ id: 9, status: "succeeded", report: { overall: { speedup: 1.5 } } }), job({ id: 10, model: 99 })].filter(
            (candidate) => new URL(request.path, "http://x").searchParams.get("model") === String(candidate.model),
          ),
        ),
      }),
      "GET /api/v1/deployments/": { body: listed([deployment({ status: "ready" })]) },
    });
    renderApp("/models/3");
    expect((await screen.findByTestId("advice-lossless")).textContent).toContain("will help");
    expect(screen.getByTestId("advice-int8").textContent).toContain("won’t help on this CPU, because no MatMul/Conv work");
    expect((await screen.findByTestId("model-card")).querySelector("h1")!.textContent).toBe("Tiny MLP");
    expect(screen.getByTestId("model-tags").textContent).toContain("vision");
    expect((await screen.findAllByTestId("version-row"))[0]!.textContent).toContain("v1");
    const jobRows = await screen.findAllByTestId("model-job-row");
    expect(jobRows).toHaveLength(1);
    expect(jobRows[0]!.textContent).toContain("1.50×");
    expect((await screen.findByTestId("model-deployments")).textContent).toContain("tiny-mlp-7");
  });

  it("says so when the model has no card, jobs or deployments", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: model },
      "GET /api/v1/models/3/versions/1/": { body: { ...model.latest_version, inspection: {} } },
      "GET /api/v1/models/3/versions/": { body: listed([model.latest_version]) },
      "GET /api/v1/jobs/": { body: listed([]) },
      "GET /api/v1/deployments/": { body: listed([]) },
    });
    renderApp("/models/3");
    await waitFor(() => expect(screen.getAllByTestId("empty-state")).toHaveLength(3));
    expect(screen.queryByTestId("recipe-advice")).toBeNull();
  });

  it("links the latest succeeded job of each version side by side", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: model },
      "GET /api/v1/models/3/versions/1/": { body: model.latest_version },
      "GET /api/v1/models/3/versions/": { body: listed([model.latest_version]) },
      "GET /api/v1/jobs/": {
        body: listed([
          job({ id: 14, model_version: 2, status: "failed", created_at: "2026-11-27T10:00:00Z" }),
          job({ id: 13, model_version: 2, status: "succeeded", created_at: "2026-11-26T10:00:00Z" }),
          job({ id: 12, model_version: 1, status: "succeeded", created_at: "2026-11-25T12:00:00Z" }),
          job({ id: 11, model_version: 1, status: "succeeded", created_at: "2026-11-25T10:00:00Z" }),
        ]),
      },
      "GET /api/v1/deployments/": { body: listed([]) },
    });
    renderApp("/models/3");
    const link = await screen.findByTestId("compare-versions");
    expect(link.getAttribute("href")).toBe("/compare?jobs=13,12");
    expect(link.textContent).toBe("Compare versions (v2, v1)");
  });
});
