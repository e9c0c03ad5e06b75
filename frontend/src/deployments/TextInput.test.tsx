import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RecordedRequest } from "../test/fakeServer";
import { fakeServer } from "../test/fakeServer";
import { deployment, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { acceptsText, tensorsFromTokenized } from "./TextInput";

const INFER = "POST /v2/models/tiny-mlp-7/infer";
const TOKENIZE = "POST /api/v1/deployments/11/tokenize/";
const LENGTH = 16;
const VOCAB: Record<string, number> = { "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, the: 4, cat: 5, sat: 6 };
const tokenizer = {
  name: "tokenizer.json",
  size_bytes: 1278,
  sha256: "c".repeat(64),
  kind: "WordLevel",
  vocab_size: 7,
  pad_token: "[PAD]",
  updated_at: "2026-12-06T10:00:00Z",
};
const tokenInputs = [
  { name: "input_ids", dtype: "int64", shape: ["batch", LENGTH] },
  { name: "attention_mask", dtype: "int64", shape: ["batch", LENGTH] },
];

function encoderModel(inputs: object[] = tokenInputs) {
  const signature = { inputs, outputs: [{ name: "sentence_embedding", dtype: "float32", shape: ["batch", 2] }] };
  return { ...model, signature, latest_version: { ...model.latest_version!, signature } };
}

/** A word-level tokenizer as the server runs it: [CLS] words [SEP], padded or cut to 16. */
function tokenizeReply(request: RecordedRequest) {
  const words = ((request.body as { text: string }).text.toLowerCase().match(/\S+/g) ?? []).slice(0, LENGTH - 2);
  const tokens = ["[CLS]", ...words.map((word) => (word in VOCAB ? word : "[UNK]")), "[SEP]"];
  const length = tokens.length;
  const padded = [...tokens, ...Array<string>(LENGTH - length).fill("[PAD]")];
  const ids = padded.map((token) => VOCAB[token]!);
  const mask = padded.map((_, i) => (i < length ? 1 : 0));
  const truncated = (request.body as { text: string }).text.split(/\s+/).length > LENGTH - 2;
  return {
    body: {
      inputs: [
        { name: "input_ids", datatype: "INT64", shape: [1, LENGTH], data: ids },
        { name: "attention_mask", datatype: "INT64", shape: [1, LENGTH], data: mask },
      ],
      texts: [{ tokens: padded, ids, length, truncated }],
      sequence_length: LENGTH,
      padding: "fixed",
      pad_token: "[PAD]",
      tokenizer,
    },
  };
}

function routes(extra: Record<string, object> = {}, withTokenizer = true, theModel: object = encoderModel()) {
  return {
    "GET /api/v1/auth/session/": { body: user },
    "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", tokenizer: withTokenizer ? tokenizer : null }) },
    "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
    "GET /api/v1/models/3/": { body: theModel },
    [TOKENIZE]: tokenizeReply,
    [INFER]: { body: { outputs: [{ name: "sentence_embedding", shape: [1, 2], datatype: "FP32", data: [3, 4] }] } },
    ...extra,
  };
}

async function openForm() {
  renderApp("/deployments/11");
  await waitFor(() => expect(screen.getByTestId("deployment-health").textContent).toContain("model ready"));
  return userEvent.setup();
}

describe("text input for token-id models", () => {
  it("tokenizes the typed text on the server, shows its tokens and sends the tensors", async () => {
    const { requests } = fakeServer(routes());
    const actions = await openForm();
    // A token-id model with a tokenizer starts in text mode: generated ids mean nothing to a person.
    expect(screen.getByLabelText("Text (tokenized)")).toHaveProperty("checked", true);
    expect(screen.getByTestId("infer-text").textContent).toContain("WordLevel tokenizer (tokenizer.json, 7 tokens)");
    await actions.type(screen.getByLabelText("Text"), "The cat sat");

    const tokens = await screen.findByTestId("infer-text-tokens");
    expect(within(tokens).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "[CLS]2",
      "the4",
      "cat5",
      "sat6",
      "[SEP]3",
    ]);
    expect(screen.getByTestId("infer-text-summary").textContent).toBe("5 tokens, padded to 16 with [PAD]");
    // Typing pauses are what is tokenized, not every key.
    const tokenizeCalls = requests.filter((request) => request.path === "/api/v1/deployments/11/tokenize/");
    expect(tokenizeCalls.at(-1)!.body).toEqual({ text: "The cat sat" });
    expect(tokenizeCalls.length).toBeLessThan("The cat sat".length);

    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("embedding-norm-sentence_embedding")).textContent).toBe("5");
    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    expect(infer.body).toEqual({
      inputs: [
        { name: "input_ids", shape: [1, 16], datatype: "INT64", data: [2, 4, 5, 6, 3, ...Array(11).fill(0)] },
        { name: "attention_mask", shape: [1, 16], datatype: "INT64", data: [1, 1, 1, 1, 1, ...Array(11).fill(0)] },
      ],
    });
  });

  it("says when a long text was cut to the model's length", async () => {
    fakeServer(routes());
    const actions = await openForm();
    await actions.type(screen.getByLabelText("Text"), "the cat sat ".repeat(8));
    await waitFor(() =>
      expect(screen.getByTestId("infer-text-summary").textContent).toBe("16 tokens — the text was cut to the model's 16 tokens"),
    );
  });

  it("shows the server's refusal and sends nothing until the text is tokenized", async () => {
    const { requests } = fakeServer(
      routes({
        [TOKENIZE]: { status: 400, body: { detail: "text: The tokenizer could not encode the text", errors: {} } },
      }),
    );
    const actions = await openForm();
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-json-error")).textContent).toContain("Type a text");
    await actions.type(screen.getByLabelText("Text"), "the cat");
    expect((await screen.findByTestId("infer-text-error")).textContent).toContain("could not encode the text");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect(screen.getByTestId("infer-json-error").textContent).toContain("Type a text");
    expect(requests.some((request) => request.path === "/v2/models/tiny-mlp-7/infer")).toBe(false);
  });

  it("is not offered without a tokenizer, nor for inputs that are not token ids", async () => {
    fakeServer(routes({}, false));
    await openForm();
    expect(screen.queryByLabelText("Text (tokenized)")).toBeNull();
    expect(screen.getByLabelText("Generated values")).toHaveProperty("checked", true);

    expect(acceptsText(tokenInputs as never, tokenizer)).toBe(true);
    expect(acceptsText(tokenInputs as never, null)).toBe(false);
    expect(acceptsText([{ name: "pixels", dtype: "float32", shape: [1, 3] }], tokenizer)).toBe(false);
    expect(acceptsText([...tokenInputs, { name: "pixels", dtype: "float32", shape: [1, 3] }] as never, tokenizer)).toBe(false);
  });

  it("turns the answer's tensors into little-endian bytes of their datatype", () => {
    const [ids, mask] = tensorsFromTokenized({
      inputs: [
        { name: "input_ids", datatype: "INT64", shape: [1, 2], data: [258, 3] },
        { name: "attention_mask", datatype: "INT32", shape: [1, 2], data: [1, 0] },
      ],
      texts: [],
      sequence_length: 2,
      padding: "fixed",
      pad_token: null,
      tokenizer,
    });
    expect(ids).toMatchObject({ name: "input_ids", datatype: "INT64", shape: [1, 2] });
    expect(Array.from((ids as { bytes: Uint8Array }).bytes)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from((mask as { bytes: Uint8Array }).bytes)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });
});
