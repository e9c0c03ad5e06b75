import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { fakeServer } from "../test/fakeServer";
import { deployment, job, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import type { RgbaImage } from "./preprocessing";

const INFER = "POST /v2/models/tiny-mlp-7/infer";

function modelWith(inputs: object[], preprocessing: object | null, outputs: object[] = []) {
  const signature = { inputs, outputs };
  return { ...model, signature, preprocessing, latest_version: { ...model.latest_version!, signature } };
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

/** A picture of one colour; jsdom decodes no images, so the browser's decoder hands back these pixels. */
function solidPicture(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

function browserDecodes(picture: RgbaImage) {
  vi.stubGlobal("createImageBitmap", vi.fn(async () => ({ width: picture.width, height: picture.height, close: vi.fn() })));
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({
    drawImage: vi.fn(),
    getImageData: () => ({ data: picture.data, width: picture.width, height: picture.height }),
  } as unknown as CanvasRenderingContext2D);
  for (const name of ["createObjectURL", "revokeObjectURL"] as const) {
    if (!(name in URL)) Object.defineProperty(URL, name, { configurable: true, writable: true, value: () => "" });
  }
  vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:chosen-picture");
  vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
}

const png = () => new File([new Uint8Array([137, 80, 78, 71])], "cat.png", { type: "image/png" });

async function choosePicture() {
  renderApp("/deployments/11");
  await waitFor(() => expect(screen.getByTestId("deployment-health").textContent).toContain("model ready"));
  const actions = userEvent.setup();
  await actions.click(screen.getByLabelText("Picture"));
  return actions;
}

function floatsOf(body: Uint8Array, headerLength: number): Float32Array {
  return new Float32Array(body.slice(headerLength).buffer);
}

describe("trying a deployment with a picture", () => {
  it("applies the model's saved preprocessing, sends the picture binary, and shows the top classes", async () => {
    // BGR, mapped to -1..1: blue 0 -> -1, green 128 -> 1/255, red 255 -> 1.
    const saved = { layout: "NCHW", color: "BGR", scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const { requests } = fakeServer(
      routes(modelWith([{ name: "pixels", dtype: "float32", shape: [1, 3, 224, 224] }], saved), {
        body: { outputs: [{ name: "logits", shape: [1, 4], datatype: "FP32", data: [0.1, 3, 0.2, 1] }] },
      }),
    );
    browserDecodes(solidPicture(64, 48, [255, 128, 0]));
    const actions = await choosePicture();
    await actions.upload(screen.getByLabelText("Picture (PNG, JPEG or WebP)"), png());
    const applied = await screen.findByText(/^cat\.png \(64×48\)/);
    expect(applied.textContent).toBe(
      "cat.png (64×48) → stretched to 224×224, BGR, (pixel × 1/255 − mean) ÷ std with mean [0.5, 0.5, 0.5] and " +
        "std [0.5, 0.5, 0.5], NCHW, FP32 input pixels. The preprocessing saved on the model.",
    );
    expect(screen.getByRole("img", { name: /chosen picture, cat\.png/ }).getAttribute("src")).toBe("blob:chosen-picture");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    const rows = within(await screen.findByTestId("topk-logits-0")).getAllByRole("row");
    expect(rows[1]!.textContent).toMatch(/^1—3/);

    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    const headerLength = Number(infer.headers.get("Inference-Header-Content-Length"));
    const body = infer.body as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(body.subarray(0, headerLength))).inputs[0]).toEqual({
      name: "pixels", shape: [1, 3, 224, 224], datatype: "FP32", parameters: { binary_data_size: 3 * 224 * 224 * 4 },
    });
    const values = floatsOf(body, headerLength);
    const plane = 224 * 224;
    expect([values[0], values[plane], values[2 * plane], values[3 * plane - 1]]).toEqual([
      -1, Math.fround((128 / 255 - 0.5) / 0.5), 1, 1,
    ]);
    // Classification: nothing is drawn on the picture.
    expect(screen.queryByTestId("detection-overlay")).toBeNull();
  });

  it("asks for H and W when the signature leaves them dynamic, and uses the defaults when none are saved", async () => {
    const { requests } = fakeServer(
      routes(modelWith([{ name: "image", dtype: "float32", shape: ["batch", "height", "width", 3] }], null), {
        body: { outputs: [{ name: "y", shape: [1, 2], datatype: "FP32", data: [1, 2] }] },
      }),
    );
    browserDecodes(solidPicture(2, 2, [255, 0, 0]));
    const actions = await choosePicture();
    const height = screen.getByLabelText("Height");
    expect(height).toHaveProperty("value", "224");
    await actions.clear(height);
    await actions.type(height, "2");
    const width = screen.getByLabelText("Width");
    await actions.clear(width);
    await actions.type(width, "3");
    await actions.upload(screen.getByLabelText("Picture (PNG, JPEG or WebP)"), png());
    const applied = await screen.findByTestId("infer-image-applied");
    await waitFor(() => expect(applied.textContent).toContain("cat.png (2×2) → stretched to 3×2"));
    expect(applied.textContent).toContain("RGB, (pixel × 1/255 − mean) ÷ std with mean [0.485, 0.456, 0.406]");
    expect(applied.textContent).toContain(", NHWC,"); // from the signature: channels last
    expect(applied.textContent).toContain("The defaults: the model has no preprocessing saved");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    await screen.findByTestId("infer-status");
    const sent = (requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!.body as {
      inputs: { shape: number[]; data: number[] }[];
    }).inputs[0]!;
    expect(sent.shape).toEqual([1, 2, 3, 3]);
    const red = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0 - 0.406) / 0.225];
    expect(sent.data).toHaveLength(18);
    sent.data.forEach((value, i) => expect(value).toBeCloseTo(red[i % 3]!, 5));
  });

  it("refuses a file that is not a picture, and a send without one", async () => {
    fakeServer(routes(modelWith([{ name: "pixels", dtype: "float32", shape: [1, 3, 8, 8] }], null), {}));
    browserDecodes(solidPicture(1, 1, [0, 0, 0]));
    const actions = await choosePicture();
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-json-error")).textContent).toBe("Choose a picture first.");
    const notes = new File(["meeting notes"], "notes.txt", { type: "text/plain" });
    await userEvent.setup({ applyAccept: false }).upload(screen.getByLabelText("Picture (PNG, JPEG or WebP)"), notes);
    expect((await screen.findByText(/^notes\.txt: it is text\/plain/)).textContent).toContain("choose a PNG, JPEG or WebP");
  });

  it("says so when no input takes a three-channel picture", async () => {
    fakeServer(routes(modelWith([{ name: "x", dtype: "float32", shape: ["batch", 16] }], null), {}));
    await choosePicture();
    expect(screen.getByTestId("infer-image").textContent).toContain("No input of this model takes a 3-channel picture");
  });

  it("draws a detection head's boxes on the picture, and reads the output kind from the served job's report", async () => {
    const anchors = 32;
    const rows = Array.from({ length: anchors }, (_, i) => (i === 0 ? [16, 16, 8, 8, 0.1, 0.9] : [1, 1, 1, 1, 0.01, 0.01]));
    const data = Array.from({ length: 6 }, (_, attribute) => rows.map((row) => row[attribute]!)).flat();
    const answer = { body: { outputs: [{ name: "output0", shape: [1, 6, anchors], datatype: "FP32", data }] } };
    const { requests } = fakeServer(
      routes(modelWith([{ name: "images", dtype: "float32", shape: [1, 3, 32, 32] }], null), answer, {
        "GET /api/v1/jobs/7/": {
          body: job({ id: 7, status: "succeeded", report: { accuracy: { per_output: { output0: { kind: "detections" } } } } as never }),
        },
      }),
    );
    browserDecodes(solidPicture(64, 32, [10, 20, 30]));
    const actions = await choosePicture();
    await actions.upload(screen.getByLabelText("Picture (PNG, JPEG or WebP)"), png());
    await screen.findByText(/^cat\.png/);
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    const overlay = await screen.findByTestId("detection-overlay");
    const boxes = within(overlay).getAllByTestId("detection-box");
    expect(boxes.map((box) => box.textContent)).toEqual(["class 1 0.90"]);
    // 32x32 input, 64x32 picture: the box (12..20, 12..20) doubles along x.
    const rect = boxes[0]!.querySelector("rect")!;
    expect(["x", "y", "width", "height"].map((name) => Number(rect.getAttribute(name)))).toEqual([24, 12, 16, 8]);
    // A rank-3 answer: the served job is read for its output kinds.
    await waitFor(() => expect(requests.some((request) => request.path === "/api/v1/jobs/7/")).toBe(true));

    // Generated values (no picture): the report's kind alone makes it detections, listed without a picture.
    await actions.click(screen.getByLabelText("Generated values"));
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    await waitFor(() => expect(screen.queryByTestId("detection-overlay")).toBeNull());
    expect(screen.getByTestId("detections-output0")).toBeTruthy();
    expect(screen.getByTestId("detection-count").textContent).toContain("1 detection of 32 anchors");
  });
});
