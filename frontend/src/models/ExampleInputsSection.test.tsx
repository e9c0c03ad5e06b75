import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const attached = {
  count: 2,
  size_bytes: 2048,
  shapes: [{ x: [2, 16] }, { x: [4, 16] }],
  files: [
    { name: "a.npz", size_bytes: 1024, sha256: "a".repeat(64), shapes: { x: [2, 16] } },
    { name: "b.npz", size_bytes: 1024, sha256: "b".repeat(64), shapes: { x: [4, 16] } },
  ],
  updated_at: "2026-12-06T10:00:00Z",
};
const withExamples = { ...model, latest_version: { ...model.latest_version!, example_inputs: attached } };

describe("Example inputs on the model page", () => {
  it("says none are attached, uploads .npz files as multipart `files`, then shows what is attached", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      // before the upload, then after it (the page refetches the model)
      "GET /api/v1/models/3/": [{ body: model }, { body: withExamples }],
      "PUT /api/v1/models/3/versions/1/examples/": { body: attached },
    });
    renderApp("/models/3");
    expect((await screen.findByTestId("example-inputs-summary")).textContent).toContain("No example inputs");
    const userActions = userEvent.setup();
    await userActions.upload(screen.getByLabelText("Attach example inputs"), [
      new File(["a"], "a.npz"),
      new File(["b"], "b.npz"),
    ]);
    await userActions.click(screen.getByTestId("example-inputs-upload"));

    await waitFor(() => expect(screen.getByTestId("example-inputs-summary").textContent).toContain("2 batches"));
    expect(screen.getAllByTestId("example-inputs-shape").map((item) => item.textContent)).toEqual([
      "x [2, 16]",
      "x [4, 16]",
    ]);
    const put = requests.find((request) => request.method === "PUT");
    const form = put?.body as FormData;
    expect(form.getAll("files")).toHaveLength(2); // (the fake's FormData parser drops file names)
    expect(screen.getByLabelText("Replace example inputs")).toBeTruthy();
  });

  it("shows the server's reason when a file is refused", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: model },
      "PUT /api/v1/models/3/versions/1/examples/": {
        status: 400,
        body: {
          detail: "Invalid input.",
          errors: { files: ["a.npz lacks the inputs ['x']; each .npz must hold arrays named ['x']."] },
        },
      },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.upload(await screen.findByLabelText("Attach example inputs"), [new File(["a"], "a.npz")]);
    await userActions.click(screen.getByTestId("example-inputs-upload"));
    expect((await screen.findByTestId("field-error-files")).textContent).toContain("lacks the inputs ['x']");
  });

  it("removes them", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": [{ body: withExamples }, { body: model }],
      "DELETE /api/v1/models/3/versions/1/examples/": { status: 204 },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.click(await screen.findByTestId("example-inputs-remove"));
    await waitFor(() => expect(screen.getByTestId("example-inputs-summary").textContent).toContain("No example inputs"));
    expect(requests.some((request) => request.method === "DELETE")).toBe(true);
  });

  it("only shows what is attached to a reader who cannot edit the model", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: { ...withExamples, can_edit: false } },
    });
    renderApp("/models/3");
    expect((await screen.findByTestId("example-inputs-summary")).textContent).toContain("2 batches");
    expect(screen.queryByLabelText("Replace example inputs")).toBeNull();
    expect(screen.queryByTestId("example-inputs-remove")).toBeNull();
  });
});
