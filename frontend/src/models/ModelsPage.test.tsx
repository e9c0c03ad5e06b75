import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { listed, modelRow, user } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("ModelsPage", () => {
  it("lists models with PAI's columns and row actions", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/": { body: listed([modelRow, {
            ...modelRow,
            id: 4,
            name: "resnet",
            owner: "ops",
            visibility: "official",
            tags: [],
            latest_version: { ...modelRow.latest_version!, size_bytes: 102 * 1024 * 1024, storage_key: "models/4/v1/model.onnx", source_uri: "s3://zoo/resnet.onnx" },
            latest_job: { id: 22, status: "failed", speedup: null, created_at: "2026-11-25T11:00:00Z" },
            best_job: { id: 20, speedup: 1.4 },
          }, { ...modelRow, id: 5, name: "n".repeat(200), latest_job: null, best_job: null }]) },
    });
    renderApp("/models");
    const table = await screen.findByTestId("models-table");
    const headers = within(table).getAllByRole("columnheader").map((cell) => cell.textContent?.replace(/[▲▼↕]/g, "").trim());
    expect(headers).toEqual(["Name", "Latest job", "Best speed-up", "Size", "Source", "Description", "Updated", "Actions"]);
    // The framework sits under the name: the list keeps to the columns that fit beside the upload form.
    expect(screen.getAllByTestId("model-version-format")[0]!.textContent).toMatch(/^v1 · \w+/);
    const jobs = screen.getAllByTestId("model-latest-job");
    expect(jobs.map((cell) => cell.textContent)).toEqual(["succeeded 1.80×", "failed", "none yet"]);
    expect(within(jobs[0]!).getByRole("link").getAttribute("href")).toBe("/jobs/21");
    // The best succeeded job stays in view when a newer one failed.
    const best = screen.getAllByTestId("model-best-job");
    expect(best.map((cell) => cell.textContent)).toEqual(["1.80×", "1.40×", "—"]);
    expect(within(best[1]!).getByRole("link").getAttribute("href")).toBe("/jobs/20");
    expect(screen.getAllByTestId("model-size").map((cell) => cell.textContent)).toEqual(["1.2 KiB", "102.0 MiB", "1.2 KiB"]);
    const sources = screen.getAllByTestId("model-source").map((cell) => cell.textContent);
    expect(sources[0]).toContain("mine");
    expect(sources[1]).toContain("official");
    expect(screen.getAllByTestId("model-storage").map((cell) => cell.textContent?.trim())).toEqual([
      "models/3/v1/model.onnx",
      "s3://zoo/resnet.onnx",
      "models/3/v1/model.onnx",
    ]);
    expect(screen.getByRole("link", { name: "Optimize tiny-mlp" }).getAttribute("href")).toBe("/models/3#optimize");
    expect(screen.getByRole("link", { name: "Deploy tiny-mlp" }).getAttribute("href")).toBe("/models/3#deploy");
    expect(screen.getAllByText("More")[0]!.getAttribute("aria-label")).toBe("More actions for tiny-mlp");
  });

  it("sends filters and the sort order to the API and keeps them in the URL", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/": { body: listed([modelRow]) },
    });
    const { router } = renderApp("/models");
    const actions = userEvent.setup();
    await screen.findByTestId("models-table");
    await actions.selectOptions(screen.getByLabelText("Format"), "onnx");
    await actions.selectOptions(screen.getByLabelText("Source"), "mine");
    await actions.click(screen.getByTestId("sort-name"));
    await waitFor(() => expect(router.state.location.search).toContain("ordering=name"));
    expect(router.state.location.search).toContain("format=onnx");
    expect(router.state.location.search).toContain("owner=ada");
    await waitFor(() => {
      const last = requests.filter((request) => request.path.startsWith("/api/v1/models/")).pop()!;
      expect(last.path).toContain("ordering=name");
      expect(last.path).toContain("format=onnx");
      expect(last.path).toContain("owner=ada");
    });
    expect(screen.getByTestId("sort-name").closest("th")!.getAttribute("aria-sort")).toBe("ascending");
    await actions.click(screen.getByTestId("sort-name"));
    await waitFor(() => expect(router.state.location.search).toContain("ordering=-name"));
  });

  it("says when no model matches the filters, and shows errors with a retry", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/": [{ body: listed([]) }],
    });
    renderApp("/models?tag=nothing");
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No model matches");
  });

  it("shows the server's failure with a way to retry", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/": [{ status: 503, body: { detail: "The database is not answering." } }, { body: listed([modelRow]) }],
    });
    renderApp("/models");
    expect((await screen.findByTestId("error-state")).textContent).toContain("The database is not answering.");
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("models-table")).toBeTruthy();
  });
});
