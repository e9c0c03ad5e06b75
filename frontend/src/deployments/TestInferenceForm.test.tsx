import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { deployment, job, listed, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { fixtureBytes } from "./npyFixtures.test-data";
import type { Job } from "../api/types";
import { encodeTensors, inferenceRequestFor, matchArrays, MAX_JSON_BODY_BYTES, outputKindsOf } from "./TestInferenceForm";
import { generateTensor, type Tensor } from "./tensors";

const INFER = "POST /v2/models/tiny-mlp-7/infer";

function modelWith(inputs: object[], outputs: object[] = [{ name: "y", dtype: "float32", shape: ["batch", 8] }]) {
  const signature = { inputs, outputs };
  return { ...model, signature, latest_version: { ...model.latest_version!, signature } };
}

function routes(theModel: object, answer: object, extra: Record<string, object> = {}) {
  return {
    "GET /api/v1/auth/session/": { body: user },
    "GET /api/v1/deployments/11/": { body: deployment({ status: "ready" }) },
    "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
    "GET /api/v1/models/3/": { body: theModel },
    [INFER]: answer,
    ...extra,
  };
}

async function openForm() {
  renderApp("/deployments/11");
  // The first render of the app in a file loads its routes: on a busy 2-core CI machine, over the
  // 1 s waitFor allows by default (the page tests wait 4 s for the same reason).
  await waitFor(() => expect(screen.getByTestId("deployment-health").textContent).toContain("model ready"),
    { timeout: 4000 });
  return userEvent.setup();
}

describe("test inference", () => {
  it("builds a V2 request from the signature with every element filled, however large", () => {
    const request = inferenceRequestFor([{ name: "x", dtype: "float32", shape: ["batch", 3, 2] }]);
    expect(request.inputs[0]).toEqual({ name: "x", shape: [1, 3, 2], datatype: "FP32", data: [0, 0, 0, 0, 0, 0] });
    const image = inferenceRequestFor([{ name: "x", dtype: "float32", shape: [1, 3, 64, 64] }]);
    expect(image.inputs[0]!.data).toHaveLength(12288);
  });

  it("sends generated values to the endpoint with the token and shows the answer", async () => {
    const { requests } = fakeServer({
      ...routes(model, { body: { model_name: "tiny-mlp-7", outputs: [{ name: "y", shape: [1, 2], datatype: "FP32", data: [1, 2] }] } }),
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", access_token_required: true }) },
    });
    const actions = await openForm();
    await actions.type(await screen.findByLabelText("Access token"), "secret-token");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-status")).textContent).toContain("HTTP 200");
    expect(screen.getByTestId("infer-status").textContent).toContain("as JSON");
    expect(screen.getByTestId("infer-response").textContent).toContain('"name": "y"');
    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    expect(infer.headers.get("Authorization")).toBe("Bearer secret-token");
    const sent = (infer.body as { inputs: { shape: number[]; data: number[] }[] }).inputs[0]!;
    expect(sent.shape).toEqual([1, 16]);
    expect(sent.data).toHaveLength(16);
  });

  it("sends a 1x3x224x224 image input whole, as binary tensor data, and shows the top classes with labels", async () => {
    const scores = Array.from({ length: 10 }, (_, i) => (i === 7 ? 9 : i === 2 ? 5 : i / 10));
    const { requests } = fakeServer(
      routes(modelWith([{ name: "pixels", dtype: "float32", shape: ["batch", 3, 224, 224] }]), {
        body: { outputs: [{ name: "logits", shape: [1, 10], datatype: "FP32", data: scores }] },
      }),
    );
    const actions = await openForm();
    expect(screen.getByLabelText(/Shape of/)).toHaveProperty("value", "1, 3, 224, 224");
    const labels = new File([Array.from({ length: 10 }, (_, i) => `class-${i}`).join("\n")], "labels.txt");
    await actions.click(screen.getByText(/Class labels/));
    await actions.upload(screen.getByLabelText(/Label file/), labels);
    await waitFor(() => expect(screen.getByText("Class labels (10 loaded in this browser)")).toBeTruthy());
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    const table = await screen.findByTestId("topk-logits-0");
    const rows = within(table).getAllByRole("row").slice(1).map((row) => row.textContent);
    expect(rows[0]).toMatch(/^7class-79.*%$/);
    expect(rows[1]).toMatch(/^2class-25/);
    expect(rows).toHaveLength(5);
    expect(screen.getByTestId("infer-status").textContent).toContain("as binary");

    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    const headerLength = Number(infer.headers.get("Inference-Header-Content-Length"));
    const body = infer.body as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(body.subarray(0, headerLength)))).toEqual({
      inputs: [{ name: "pixels", shape: [1, 3, 224, 224], datatype: "FP32", parameters: { binary_data_size: 602112 } }],
    });
    expect(body.byteLength - headerLength).toBe(3 * 224 * 224 * 4);
    // The labels are remembered for this model.
    expect(JSON.parse(localStorage.getItem("whetstone.labels.model-3")!)).toHaveLength(10);
    localStorage.clear();
  });

  it("names the top classes with the labels saved on the model; a label file loaded here takes their place", async () => {
    const scores = [0.1, 3, 0.2, 2, 0.3, 0.4];
    const saved = ["tench", "goldfish", "shark", "hen", "ostrich", "robin"];
    fakeServer(
      routes(
        { ...modelWith([{ name: "pixels", dtype: "float32", shape: [1, 3, 8, 8] }]), labels: saved },
        { body: { outputs: [{ name: "logits", shape: [1, 6], datatype: "FP32", data: scores }] } },
      ),
    );
    const actions = await openForm();
    expect(screen.getByText("Class labels (6 saved on the model)")).toBeTruthy();
    expect(screen.getByTestId("infer-labels-in-use").textContent).toBe(
      "Using 6 labels saved on the model. A label file loaded here replaces them in this browser.",
    );
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    const rows = () =>
      within(screen.getByTestId("topk-logits-0"))
        .getAllByRole("row")
        .slice(1)
        .map((row) => row.querySelectorAll("td")[1]!.textContent);
    await waitFor(() => expect(rows().slice(0, 2)).toEqual(["goldfish", "hen"]));

    await actions.click(screen.getByText(/^Class labels/));
    await actions.upload(screen.getByLabelText(/Label file/), new File(['["a", "b", "c", "d", "e", "f"]'], "mine.json"));
    await waitFor(() => expect(screen.getByText("Class labels (6 loaded in this browser)")).toBeTruthy());
    expect(screen.getByTestId("infer-labels-in-use").textContent).toBe(
      "Using 6 labels loaded in this browser, in place of the 6 saved on the model.",
    );
    expect(rows().slice(0, 2)).toEqual(["b", "d"]);
    expect(JSON.parse(localStorage.getItem("whetstone.labels.model-3")!)).toEqual(["a", "b", "c", "d", "e", "f"]);

    await actions.click(screen.getByRole("button", { name: "Forget this browser's labels" }));
    expect(screen.getByText("Class labels (6 saved on the model)")).toBeTruthy();
    expect(rows().slice(0, 2)).toEqual(["goldfish", "hen"]);
    expect(localStorage.getItem("whetstone.labels.model-3")).toBeNull();
  });

  it("says what is wrong with a label file it cannot use", async () => {
    fakeServer(routes(model, { body: { outputs: [] } }));
    const actions = await openForm();
    expect(screen.getByText("Class labels (optional)")).toBeTruthy();
    await actions.click(screen.getByText(/^Class labels/));
    await actions.upload(screen.getByLabelText(/Label file/), new File(['["cat",'], "broken.json"));
    expect((await screen.findByTestId("infer-json-error")).textContent).toMatch(/^broken\.json: not a label file/);
    expect(screen.getByText("Class labels (optional)")).toBeTruthy();
  });

  it("sends the arrays of an uploaded .npz by input name, cast to the signature's datatype", async () => {
    const { requests } = fakeServer(
      routes(
        modelWith([
          { name: "x", dtype: "float32", shape: ["batch", 3] },
          { name: "ids", dtype: "int32", shape: ["batch", 2] },
        ]),
        { body: { outputs: [{ name: "sentence_embedding", shape: [1, 2], datatype: "FP32", data: [3, 4] }] } },
      ),
    );
    const actions = await openForm();
    await actions.click(screen.getByLabelText("NumPy file (.npy, .npz)"));
    const npz = new File([fixtureBytes("npz_stored") as BlobPart], "inputs.npz");
    await actions.upload(screen.getByLabelText("Array file"), npz);
    expect((await screen.findByTestId("infer-file-arrays")).textContent).toContain("converted from INT64 to INT32");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("embedding-norm-sentence_embedding")).textContent).toBe("5");
    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    expect(infer.body).toEqual({
      inputs: [
        { name: "x", shape: [1, 3], datatype: "FP32", data: [1, 1, 1] },
        { name: "ids", shape: [1, 2], datatype: "INT32", data: [1, 2] },
      ],
    });
  });

  it("says which input an uploaded file lacks", async () => {
    fakeServer(routes(modelWith([{ name: "images", dtype: "float32", shape: [1, 3] }, { name: "mask", dtype: "bool", shape: [1] }]), {}));
    const actions = await openForm();
    await actions.click(screen.getByLabelText("NumPy file (.npy, .npz)"));
    await actions.upload(screen.getByLabelText("Array file"), new File([fixtureBytes("npz_stored") as BlobPart], "in.npz"));
    expect((await screen.findByTestId("infer-json-error")).textContent).toContain('no array for input "images"');
  });

  it("sends a pasted V2 request as it is, and refuses one that is not JSON", async () => {
    const { requests } = fakeServer(
      routes(model, { body: { outputs: [{ name: "mask", shape: [2, 3], datatype: "INT64", data: [0, 1, 2, 3, 4, 5] }] } }),
    );
    const actions = await openForm();
    await actions.click(screen.getByLabelText("V2 request (JSON)", { selector: "input" }));
    const body = screen.getByLabelText("V2 request (JSON)", { selector: "textarea" });
    await actions.clear(body);
    await actions.type(body, "not json");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-json-error")).textContent).toContain("not valid JSON");
    const pasted = '{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP32", "data": [0.5, 1]}], "id": "mine"}';
    fireEvent.change(body, { target: { value: pasted } });
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    const preview = await screen.findByTestId("preview-mask");
    expect(preview.textContent).toContain("[0,1,2,3,4,5]");
    expect(screen.getByText(/\[2, 3\] INT64/)).toBeTruthy();
    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    expect(infer.body).toEqual(JSON.parse(pasted));
  });

  it("reads each output's kind, and a detection head's layout, from the served job's report", () => {
    const served = { report: { accuracy: { per_output: {
      output0: { kind: "detections", score_rows: [4, 11], anchors_first: true, objectness: true, layout: "…" },
      logits: { kind: "class_scores" },
    } } } } as unknown as Job;
    expect(outputKindsOf(served)).toEqual({
      output0: { kind: "detections", head: { scoreRows: [4, 11], anchorsFirst: true, objectness: true } },
      logits: { kind: "class_scores" },
    });
    expect(outputKindsOf(undefined)).toEqual({});
  });

  it("carries a raw YOLOX head's grid, and one it cannot read as a grid that fits no head", () => {
    const verdict = { kind: "detections", score_rows: [4, 8], anchors_first: true, objectness: true };
    const served = (grid: unknown) => ({ report: { accuracy: { per_output: { output: { ...verdict, grid } } } } }) as unknown as Job;
    expect(outputKindsOf(served([[8, 12, 8], [4, 6, 16]])).output!.head!.grid).toEqual([[8, 12, 8], [4, 6, 16]]);
    for (const bad of [[[8, 12]], [[8, 12, 0]], [[8, 12.5, 8]], "8x12/8", [["8", 12, 8]]]) {
      expect(outputKindsOf(served(bad)).output!.head!.grid).toEqual([]);
    }
  });

  it("matches numpy's positional names and refuses JSON bodies the tab cannot build", () => {
    const arrays: Tensor[] = [generateTensor("arr_0", "FP64", [2], "ones"), generateTensor("arr_1", "UINT8", [1], "ones")];
    const { tensors, notes } = matchArrays(arrays, [
      { name: "a", dtype: "float32", shape: [2] },
      { name: "b", dtype: "uint8", shape: [1] },
    ]);
    expect(tensors.map((tensor) => [tensor.name, tensor.datatype])).toEqual([["a", "FP32"], ["b", "UINT8"]]);
    expect(notes).toEqual(['"arr_0" converted from FP64 to FP32 for input "a".']);
    const huge = generateTensor("x", "FP32", [MAX_JSON_BODY_BYTES / 4], "zeros");
    expect(() => encodeTensors([huge], "json")).toThrow(/too large to send as JSON.*send them binary/);
    expect(encodeTensors([huge], "auto").kind).toBe("binary");
    expect(() => encodeTensors([generateTensor("h", "BF16", [2], "ones")], "binary")).toThrow(/BF16/);
  });

  it("redeploys another job with batching at the same URL", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready" }) },
      "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
      "GET /api/v1/models/3/": { body: model },
      "GET /api/v1/jobs/": { body: listed([job({ id: 12, status: "succeeded" }), job({ id: 7, status: "succeeded" })]) },
      "POST /api/v1/deployments/11/redeploy/": { status: 202, body: deployment({ status: "updating", target_job: 12 }) },
    });
    renderApp("/deployments/11");
    const actions = userEvent.setup();
    const jobField = (await screen.findByLabelText("Job")) as HTMLSelectElement;
    await waitFor(() => expect(jobField.options).toHaveLength(2));
    await actions.selectOptions(jobField, "12");
    const size = screen.getByLabelText("Max batch size");
    await actions.clear(size);
    await actions.type(size, "8");
    await actions.click(screen.getByRole("button", { name: "Redeploy" }));
    await waitFor(() => expect(screen.getByTestId("deployment-status").textContent).toBe("updating"));
    const post = requests.find((request) => request.path === "/api/v1/deployments/11/redeploy/")!;
    expect(post.body).toEqual({ job: 12, max_batch_size: 8, max_batch_time: 0 });
  });
});
