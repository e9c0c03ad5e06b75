import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer, type RecordedRequest } from "../test/fakeServer";
import { model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const signature = {
  inputs: [{ name: "pixels", dtype: "float32", shape: [1, 3, 224, 224] }],
  outputs: [{ name: "logits", dtype: "float32", shape: [1, 1000] }],
};
const owned = { ...model, signature, visibility: "private", preprocessing: null } as typeof model;
const caffe = { layout: "NHWC", color: "BGR", scale: 1, mean: [103.94, 116.78, 123.68], std: [1, 1, 1] } as const;
const plainUser = { ...user, is_staff: false };

function patches(requests: RecordedRequest[]) {
  return requests.filter((request) => request.method === "PATCH").map((request) => request.body);
}

/** Clears a field and pastes `text` into it: typing it key by key is slow on a busy machine. */
async function replace(actions: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
  await actions.clear(field);
  await actions.paste(text);
}

async function openEditor(theModel: object, patch: object | object[] = { body: theModel }) {
  const server = fakeServer({
    "GET /api/v1/auth/session/": { body: plainUser },
    "GET /api/v1/models/3/": { body: theModel },
    "PATCH /api/v1/models/3/": patch,
  });
  renderApp("/models/3");
  const actions = userEvent.setup();
  await actions.click(await screen.findByTestId("edit-model"));
  return { ...server, actions, editor: screen.getByTestId("preprocessing-editor") };
}

describe("the image preprocessing editor", () => {
  it("shows the defaults on the model page, and saves what the owner sets", async () => {
    const { requests, actions, editor } = await openEditor(owned, { body: { ...owned, preprocessing: caffe } });
    expect(screen.getByTestId("model-preprocessing").textContent).toBe(
      "none saved; a picture gets the defaults: RGB, (pixel × 1/255 − mean) ÷ std with mean [0.485, 0.456, 0.406] and " +
        "std [0.229, 0.224, 0.225], NCHW",
    );
    expect(within(editor).queryByLabelText("Layout")).toBeNull();
    await actions.click(within(editor).getByLabelText("Save preprocessing for this model"));
    await actions.selectOptions(within(editor).getByLabelText("Layout"), "NHWC");
    await actions.selectOptions(within(editor).getByLabelText("Channel order"), "BGR");
    const scale = within(editor).getByLabelText(/^Scale/);
    expect(scale).toHaveProperty("value", "1/255");
    await replace(actions, scale, "1");
    const mean = within(editor).getByLabelText("Mean per channel");
    await replace(actions, mean, "103.94 116.78 123.68");
    const std = within(editor).getByLabelText("Std per channel");
    await replace(actions, std, "1, 1, 1");
    expect(within(editor).getByTestId("preprocessing-summary").textContent).toBe(
      "Applies BGR, (pixel × 1 − mean) ÷ std with mean [103.94, 116.78, 123.68] and std [1, 1, 1], NHWC.",
    );
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByTestId("edit-model-form")).toBeNull());
    expect(patches(requests)).toEqual([{ preprocessing: caffe }]);
    expect(screen.getByTestId("model-preprocessing").textContent).toContain("BGR, (pixel × 1 − mean)");
  });

  it("starts from a common recipe", async () => {
    const { actions, editor } = await openEditor(owned);
    await actions.click(within(editor).getByLabelText("Save preprocessing for this model"));
    await actions.selectOptions(within(editor).getByLabelText("Start from"), "−1..1 (Inception, TF)");
    expect(within(editor).getByLabelText(/^Scale/)).toHaveProperty("value", "1/127.5");
    expect(within(editor).getByLabelText("Layout")).toHaveProperty("value", "NHWC");
    expect(within(editor).getByLabelText("Mean per channel")).toHaveProperty("value", "1, 1, 1");
  });

  it("holds the save back while a value is not three numbers", async () => {
    const { requests, actions, editor } = await openEditor(owned);
    await actions.click(within(editor).getByLabelText("Save preprocessing for this model"));
    const mean = within(editor).getByLabelText("Mean per channel");
    await replace(actions, mean, "0.5, 0.5");
    expect(within(editor).getByTestId("preprocessing-problem-mean").textContent).toContain("Three numbers");
    expect(mean.getAttribute("aria-invalid")).toBe("true");
    const save = screen.getByRole("button", { name: "Save changes" });
    expect(save).toHaveProperty("disabled", true);
    await actions.type(mean, ", 0.5");
    expect(within(editor).queryByTestId("preprocessing-problem-mean")).toBeNull();
    expect(save).toHaveProperty("disabled", false);
    expect(patches(requests)).toEqual([]);
  });

  it("shows the API's 400 beside the settings and keeps the form open", async () => {
    const message = "each std value must be above 0 and at most 255 (it divides)";
    const { actions, editor } = await openEditor(owned, {
      status: 400,
      body: { detail: `preprocessing: ${message}`, errors: { preprocessing: [message] } },
    });
    await actions.click(within(editor).getByLabelText("Save preprocessing for this model"));
    const std = within(editor).getByLabelText("Std per channel");
    await replace(actions, std, "0, 1, 1");
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    expect((await screen.findByTestId("field-error-preprocessing")).textContent).toBe(message);
    expect(std.getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByTestId("form-error")).toBeNull(); // not said twice
    expect(screen.getByTestId("edit-model-form")).toBeTruthy();
  });

  it("sends nothing for settings left as saved, and null when the owner stops saving them", async () => {
    const saved = { ...owned, preprocessing: { ...caffe, scale: 1 / 58.395 } };
    const { requests, actions, editor } = await openEditor(saved, { body: { ...saved, preprocessing: null } });
    expect(within(editor).getByLabelText(/^Scale/)).toHaveProperty("value", String(1 / 58.395));
    expect(screen.getByRole("button", { name: "Save changes" })).toHaveProperty("disabled", true);
    await actions.click(within(editor).getByLabelText("Save preprocessing for this model"));
    await actions.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByTestId("edit-model-form")).toBeNull());
    expect(patches(requests)).toEqual([{ preprocessing: null }]);
  });
});
