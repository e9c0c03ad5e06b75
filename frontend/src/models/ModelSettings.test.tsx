import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer, type RecordedRequest } from "../test/fakeServer";
import { listed, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { parseTags } from "./ModelSettings";

const owned = { ...model, visibility: "private", tags: ["mlp"], card: "# Old card" } as typeof model;
const plainUser = { ...user, is_staff: false };

function patchOf(requests: RecordedRequest[]) {
  return requests.find((request) => request.method === "PATCH");
}

describe("editing a model", () => {
  it("sends only the changed fields, previews the card, and shows the saved model", async () => {
    const saved = { ...owned, name: "tiny-mlp-v2", tags: ["mlp", "int8"], card: "## Usage\n\nCall it." };
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: plainUser },
      "GET /api/v1/models/3/": { body: owned },
      "PATCH /api/v1/models/3/": { body: saved },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.click(await screen.findByTestId("edit-model"));
    const form = screen.getByTestId("edit-model-form");
    // A non-staff owner cannot publish an official model: the choice is not offered.
    expect(within(form).queryByRole("option", { name: /Official/ })).toBeNull();

    const name = within(form).getByLabelText("Name");
    await userActions.clear(name);
    await userActions.type(name, "tiny-mlp-v2");
    const tags = within(form).getByLabelText("Tags (comma-separated)");
    await userActions.clear(tags);
    await userActions.type(tags, "mlp, int8, ");
    const card = within(form).getByLabelText("Model card (Markdown)");
    await userActions.clear(card);
    await userActions.type(card, "## Usage{enter}{enter}Call it.");
    await userActions.click(within(form).getByRole("button", { name: "Preview" }));
    const preview = await within(form).findByTestId("card-preview");
    expect((await within(preview).findByRole("heading", { name: "Usage" })).tagName).toBe("H2");

    await userActions.click(within(form).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByTestId("edit-model-form")).toBeNull());
    expect(patchOf(requests)?.body).toEqual({ name: "tiny-mlp-v2", tags: ["mlp", "int8"], card: "## Usage\n\nCall it." });
    expect(screen.getByTestId("model-name").textContent).toBe("tiny-mlp-v2");
    expect(screen.getByTestId("model-card").querySelector("h2")?.textContent).toBe("Usage");
  });

  it("shows the API's 409 beside the name and keeps the form open", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: plainUser },
      "GET /api/v1/models/3/": { body: owned },
      "PATCH /api/v1/models/3/": {
        status: 409,
        body: { detail: "You already have a model named 'resnet'.", errors: { name: ["You already have a model named 'resnet'."] } },
      },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.click(await screen.findByTestId("edit-model"));
    const name = screen.getByLabelText("Name");
    await userActions.clear(name);
    await userActions.type(name, "resnet");
    await userActions.click(screen.getByRole("button", { name: "Save changes" }));
    expect((await screen.findByTestId("field-error-name")).textContent).toContain("already have a model named 'resnet'");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("edit-model-form")).toBeTruthy();
    // The banner does not repeat what is shown beside the field.
    expect(screen.queryByTestId("form-error")).toBeNull();
  });

  it("shares with one of the user's teams, and shows a 403 from the API", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: owned },
      "GET /api/v1/teams/": {
        body: listed([
          { id: 4, name: "vision", members: ["ada"], invited: [], created_at: "2026-11-01T00:00:00Z" },
          { id: 7, name: "speech", members: ["ada"], invited: [], created_at: "2026-11-01T00:00:00Z" },
        ]),
      },
      "PATCH /api/v1/models/3/": { status: 403, body: { detail: "You can only share with a team you belong to." } },
    });
    renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.click(await screen.findByTestId("edit-model"));
    // Staff may choose official.
    expect(screen.getByRole("option", { name: /Official/ })).toBeTruthy();
    await userActions.selectOptions(screen.getByLabelText("Visibility"), "team");
    const team = screen.getByLabelText("Team");
    await waitFor(() => expect(team.querySelectorAll("option")).toHaveLength(3));
    await userActions.selectOptions(team, "7");
    await userActions.click(screen.getByRole("button", { name: "Save changes" }));
    expect((await screen.findByTestId("form-error")).textContent).toContain("only share with a team you belong to");
    expect(patchOf(requests)?.body).toEqual({ visibility: "team", team: 7 });
  });

  it("offers no edit or delete controls to a user who cannot edit the model", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: plainUser },
      "GET /api/v1/models/3/": { body: { ...owned, can_edit: false, owner: "grace" } },
    });
    renderApp("/models/3");
    await screen.findByTestId("model-name");
    expect(screen.queryByTestId("edit-model")).toBeNull();
    expect(screen.queryByTestId("delete-model-form")).toBeNull();
  });
});

describe("deleting a model", () => {
  it("deletes only once the model's name is typed, then returns to the models list", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: plainUser },
      "GET /api/v1/models/3/": { body: owned },
      "DELETE /api/v1/models/3/": { status: 204 },
      "GET /api/v1/models/": { body: listed([]) },
    });
    const { router } = renderApp("/models/3");
    const userActions = userEvent.setup();
    const form = await screen.findByTestId("delete-model-form");
    const button = within(form).getByRole("button", { name: "Delete model" });
    const confirm = within(form).getByLabelText(/to confirm/);
    await userActions.type(confirm, "tiny-ml");
    expect(button).toHaveProperty("disabled", true);
    await userActions.type(confirm, "p");
    expect(button).toHaveProperty("disabled", false);
    await userActions.click(button);
    await waitFor(() => expect(router.state.location.pathname).toBe("/models"));
    expect(requests.filter((request) => request.method === "DELETE").map((request) => request.path)).toEqual([
      "/api/v1/models/3/",
    ]);
  });

  it("shows why the API refused (a deployed model) and stays on the page", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: plainUser },
      "GET /api/v1/models/3/": { body: owned },
      "DELETE /api/v1/models/3/": {
        status: 409,
        body: { detail: "Model 3 is deployed (tiny); stop its deployments first.", errors: { model: ["Model 3 is deployed (tiny); stop its deployments first."] } },
      },
    });
    const { router } = renderApp("/models/3");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText(/to confirm/), "tiny-mlp");
    await userActions.click(screen.getByRole("button", { name: "Delete model" }));
    expect((await screen.findByTestId("form-error")).textContent).toContain("stop its deployments first");
    expect(router.state.location.pathname).toBe("/models/3");
  });
});

describe("parseTags", () => {
  it("trims, drops empty tags and repeats", () => {
    expect(parseTags(" a, b ,, a ,c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });
});
