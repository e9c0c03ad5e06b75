import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const tokenizer = {
  name: "tokenizer.json",
  size_bytes: 2048,
  sha256: "c".repeat(64),
  kind: "WordPiece",
  vocab_size: 30522,
  pad_token: "[PAD]",
  updated_at: "2026-12-06T10:00:00Z",
};
const signature = {
  inputs: [
    { name: "input_ids", dtype: "int64", shape: ["batch", 16] },
    { name: "attention_mask", dtype: "int64", shape: ["batch", 16] },
  ],
  outputs: [{ name: "sentence_embedding", dtype: "float32", shape: ["batch", 8] }],
};
const encoder = { ...model, signature, latest_version: { ...model.latest_version!, signature } };
const withTokenizer = { ...encoder, latest_version: { ...encoder.latest_version, tokenizer } };

describe("Tokenizer on the model page", () => {
  it("attaches a tokenizer.json as multipart `file`, then shows what is attached", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": [{ body: encoder }, { body: withTokenizer }],
      "PUT /api/v1/models/3/versions/1/tokenizer/": { body: tokenizer },
    });
    renderApp("/models/3");
    expect((await screen.findByTestId("tokenizer-summary")).textContent).toContain("No tokenizer attached to v1");
    const actions = userEvent.setup();
    await actions.upload(screen.getByLabelText("Attach a tokenizer"), new File(['{"model": {}}'], "tokenizer.json"));
    await actions.click(screen.getByTestId("tokenizer-upload"));
    await waitFor(() =>
      expect(screen.getByTestId("tokenizer-summary").textContent).toBe(
        "tokenizer.json attached to v1: WordPiece, 30,522 tokens, 2.0 KiB, pads with [PAD].",
      ),
    );
    const put = requests.find((request) => request.method === "PUT")!;
    expect((put.body as FormData).getAll("file")).toHaveLength(1);
    expect(screen.getByLabelText("Replace the tokenizer")).toBeTruthy();
  });

  it("shows the server's reason beside the file field when a file is refused", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": { body: encoder },
      "PUT /api/v1/models/3/versions/1/tokenizer/": {
        status: 400,
        body: {
          detail: "file: This JSON is not a Hugging Face tokenizer.json",
          errors: { file: ['This JSON is not a Hugging Face tokenizer.json: it has no "model" object.'] },
        },
      },
    });
    renderApp("/models/3");
    const actions = userEvent.setup();
    await actions.upload(await screen.findByLabelText("Attach a tokenizer"), new File(["{}"], "config.json"));
    await actions.click(screen.getByTestId("tokenizer-upload"));
    expect((await screen.findByTestId("field-error-file")).textContent).toContain('no "model" object');
    expect(screen.getByLabelText("Attach a tokenizer").getAttribute("aria-invalid")).toBe("true");
  });

  it("removes it", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/models/3/": [{ body: withTokenizer }, { body: encoder }],
      "DELETE /api/v1/models/3/versions/1/tokenizer/": { status: 204 },
    });
    renderApp("/models/3");
    await userEvent.setup().click(await screen.findByTestId("tokenizer-remove"));
    await waitFor(() => expect(screen.getByTestId("tokenizer-summary").textContent).toContain("No tokenizer"));
    expect(requests.some((request) => request.method === "DELETE")).toBe(true);
  });

  it("is not shown for a model whose inputs are not token ids", async () => {
    fakeServer({ "GET /api/v1/auth/session/": { body: user }, "GET /api/v1/models/3/": { body: model } });
    renderApp("/models/3");
    await screen.findByTestId("example-inputs-summary");
    expect(screen.queryByTestId("tokenizer")).toBeNull();
  });
});
