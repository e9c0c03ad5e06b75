import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer, type RecordedRequest } from "../test/fakeServer";
import { model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const owned = { ...model, visibility: "private", labels: null } as typeof model;
const plainUser = { ...user, is_staff: false };
const IMAGENET_START = ["tench", "goldfish", "great white shark", "tiger shark", "hammerhead"];

function patches(requests: RecordedRequest[]) {
  return requests.filter((request) => request.method === "PATCH").map((request) => request.body);
}

async function openEditor(theModel: object, patch: object = { body: theModel }) {
  const server = fakeServer({
    "GET /api/v1/auth/session/": { body: plainUser },
    "GET /api/v1/models/3/": { body: theModel },
    "PATCH /api/v1/models/3/": patch,
  });
  renderApp("/models/3");
  const actions = userEvent.setup();
  await actions.click(await screen.findByTestId("edit-model"));
  return { ...server, actions, editor: screen.getByTestId("labels-editor") };
}

describe("the class labels editor", () => {
  it("loads a label file, shows the count and the first few, and saves them with the model", async () => {
    const { requests, actions, editor } = await openEditor(owned, { body: { ...owned, labels: IMAGENET_START } });
    expect(within(editor).getByTestId("labels-summary").textContent).toBe("None saved.");
    expect(screen.queryByTestId("model-labels")).toBeNull();
    await actions.upload(within(editor).getByLabelText(/^Label file/), new File([IMAGENET_START.join("\n") + "\n"], "imagenet.txt"));
    await waitFor(() =>
      expect(within(editor).getByTestId("labels-summary").textContent).toBe("5 labels: tench, goldfish, great white shark, …"),
    );
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByTestId("edit-model-form")).toBeNull());
    expect(patches(requests)).toEqual([{ labels: IMAGENET_START }]);
    expect(screen.getByTestId("model-labels").textContent).toBe("5 labels: tench, goldfish, great white shark, …");
  });

  it("reads a JSON list, and refuses a file the API would refuse without sending it", async () => {
    const { requests, actions, editor } = await openEditor(owned);
    const file = within(editor).getByLabelText(/^Label file/);
    await actions.upload(file, new File([JSON.stringify(["cat", "x".repeat(201)])], "long.json"));
    expect((await within(editor).findByTestId("labels-problem")).textContent).toBe(
      "long.json: Label 1 is 201 characters long; each label may have at most 200.",
    );
    expect(within(editor).getByTestId("labels-summary").textContent).toBe("None saved.");
    expect(screen.getByRole("button", { name: "Save changes" })).toHaveProperty("disabled", true);
    await actions.upload(file, new File(['["cat", "dog"]'], "pets.json"));
    await waitFor(() => expect(within(editor).getByTestId("labels-summary").textContent).toBe("2 labels: cat, dog"));
    expect(within(editor).queryByTestId("labels-problem")).toBeNull();
    expect(patches(requests)).toEqual([]);
  });

  it("removes saved labels: the PATCH sends null", async () => {
    const saved = { ...owned, labels: ["cat", "dog"] };
    const { requests, actions, editor } = await openEditor(saved, { body: { ...saved, labels: null } });
    expect(within(editor).getByTestId("labels-summary").textContent).toBe("2 labels: cat, dog");
    expect(screen.getByRole("button", { name: "Save changes" })).toHaveProperty("disabled", true);
    await actions.click(within(editor).getByRole("button", { name: "Remove labels" }));
    expect(within(editor).getByTestId("labels-summary").textContent).toBe("None saved.");
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByTestId("edit-model-form")).toBeNull());
    expect(patches(requests)).toEqual([{ labels: null }]);
  });

  it("shows the API's 400 beside the labels and keeps the form open", async () => {
    const message = "label 0 must be a string, not 7";
    const { actions, editor } = await openEditor(owned, {
      status: 400,
      body: { detail: `labels: ${message}`, errors: { labels: [message] } },
    });
    await actions.upload(within(editor).getByLabelText(/^Label file/), new File(["cat\n"], "l.txt"));
    await waitFor(() => expect(within(editor).getByTestId("labels-summary").textContent).toBe("1 label: cat"));
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    expect((await screen.findByTestId("field-error-labels")).textContent).toBe(message);
    expect(within(editor).getByLabelText(/^Replace with a label file/).getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByTestId("form-error")).toBeNull();
  });
});
