import {
  DEFAULT_PREPROCESSING,
  describePreprocessing,
  findImageInput,
  imageGeometry,
  imageTensor,
  normalizePixels,
  parseScale,
  parseTriple,
  resizeRgb,
  type Preprocessing,
  type RgbaImage,
} from "./preprocessing";
import { tensorValues } from "./tensors";

/** An RGBA image whose three channels all hold `gray` (alpha 255), rows of `width`. */
function grayImage(gray: number[][]): RgbaImage {
  const height = gray.length;
  const width = gray[0]!.length;
  const data = new Uint8ClampedArray(width * height * 4);
  gray.flat().forEach((value, i) => data.set([value, value, value, 255], i * 4));
  return { width, height, data };
}

function channel(rgb: Float32Array, c: number): number[] {
  return Array.from(rgb.filter((_, i) => i % 3 === c));
}

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 4) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, digits));
}

// A 7x5 picture and what Pillow 13 gives for it: Image.fromarray(a, mode="F").resize(size, Image.BILINEAR)
// (mode F: in floats, so no rounding between the two passes).
const PICTURE = [
  [217, 163, 130, 69, 78, 10, 19],
  [4, 44, 208, 166, 233, 128, 155],
  [248, 186, 161, 139, 143, 239, 71],
  [208, 171, 0, 100, 219, 141, 8],
  [195, 186, 216, 44, 22, 220, 5],
];
const PIL_3X4 = [
  [147.625, 111.20587921142578, 60.875],
  [122.32738494873047, 170.37254333496094, 159.42857360839844],
  [170.57737731933594, 128.85293579101562, 130.30357360839844],
  [183.625, 101.26470947265625, 103.14285278320312],
];
const PIL_9X11_FIRST_ROWS = [
  [217.0, 181.0, 148.3333282470703, 116.44444274902344, 69.0, 76.0, 40.22222137451172, 13.0, 19.0],
  [178.27272033691406, 153.6666717529297, 142.61614990234375, 131.39393615722656, 86.63636016845703,
    101.83838653564453, 64.66666412353516, 35.54545593261719, 43.727272033691406],
];

describe("resizing a picture to the input's H x W", () => {
  it("leaves a picture of the input's size as it is", () => {
    const picture = grayImage([[10, 20], [30, 40]]);
    expect(channel(resizeRgb(picture, 2, 2), 0)).toEqual([10, 20, 30, 40]);
  });

  it("shrinks with PIL's antialiased bilinear filter: every source pixel counts", () => {
    // Output pixel 0 is centred on source 1: the triangle, twice as wide, weighs sources 0, 1, 2 as 0.75, 0.75, 0.25.
    const row = resizeRgb(grayImage([[0, 40, 80, 120]]), 2, 1);
    expectClose(channel(row, 0), [(40 * 0.75 + 80 * 0.25) / 1.75, (40 * 0.25 + 80 * 0.75 + 120 * 0.75) / 1.75]);
    expectClose(channel(resizeRgb(grayImage(PICTURE), 3, 4), 1), PIL_3X4.flat());
  });

  it("enlarges as PIL's bilinear does", () => {
    const big = channel(resizeRgb(grayImage(PICTURE), 9, 11), 2);
    expectClose(big.slice(0, 18), PIL_9X11_FIRST_ROWS.flat());
  });

  it("keeps the channels apart and drops alpha", () => {
    const data = new Uint8ClampedArray([255, 0, 10, 0, 0, 255, 30, 128]);
    const rgb = resizeRgb({ width: 2, height: 1, data }, 1, 1);
    expectClose(rgb, [127.5, 127.5, 20]);
  });
});

describe("normalising and laying out the pixels", () => {
  // Two pixels: (255, 0, 51) and (0, 255, 102).
  const rgb = new Float32Array([255, 0, 51, 0, 255, 102]);
  const [m, s] = [DEFAULT_PREPROCESSING.mean, DEFAULT_PREPROCESSING.std];
  const r = [(1 - m[0]!) / s[0]!, (0 - m[0]!) / s[0]!];
  const g = [(0 - m[1]!) / s[1]!, (1 - m[1]!) / s[1]!];
  const b = [(0.2 - m[2]!) / s[2]!, (0.4 - m[2]!) / s[2]!];

  it("applies (pixel x scale - mean) / std per channel, planes first for NCHW", () => {
    expectClose(normalizePixels(rgb, 2, 1, DEFAULT_PREPROCESSING), [...r, ...g, ...b], 5);
    expect(normalizePixels(rgb, 2, 1, DEFAULT_PREPROCESSING)[0]).toBeCloseTo(2.2489083, 6);
  });

  it("interleaves the channels for NHWC and reverses them for BGR", () => {
    const nhwc: Preprocessing = { ...DEFAULT_PREPROCESSING, layout: "NHWC" };
    expectClose(normalizePixels(rgb, 2, 1, nhwc), [r[0]!, g[0]!, b[0]!, r[1]!, g[1]!, b[1]!], 5);
    const caffe: Preprocessing = { layout: "NHWC", color: "BGR", scale: 1, mean: [103.94, 116.78, 123.68], std: [1, 1, 1] };
    expectClose(normalizePixels(rgb, 2, 1, caffe), [51 - 103.94, 0 - 116.78, 255 - 123.68, 102 - 103.94, 255 - 116.78, 0 - 123.68], 4);
  });

  it("builds the input tensor: shape, little-endian float32, and a cast for FP16 inputs", () => {
    const picture = grayImage([[0, 255], [255, 0]]);
    const raw: Preprocessing = { layout: "NCHW", color: "RGB", scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
    const tensor = imageTensor("pixels", "FP32", picture, { width: 2, height: 2 }, raw);
    expect(tensor.shape).toEqual([1, 3, 2, 2]);
    expect(tensor.bytes.byteLength).toBe(12 * 4);
    expect(new DataView(tensor.bytes.buffer).getFloat32(4, true)).toBe(255);
    expect(tensorValues(tensor)).toEqual([0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0]);
    const half = imageTensor("pixels", "FP16", picture, { width: 1, height: 1 }, { ...raw, layout: "NHWC", scale: 1 / 255 });
    expect(half.datatype).toBe("FP16");
    expect(half.shape).toEqual([1, 1, 1, 3]);
    expectClose(tensorValues(half) as number[], [0.5, 0.5, 0.5], 3);
    // An input with a fixed batch of 2 gets the picture twice.
    const twice = imageTensor("pixels", "FP32", picture, { width: 2, height: 1 }, raw, 2);
    expect(twice.shape).toEqual([2, 3, 1, 2]);
    expect(tensorValues(twice)).toEqual([127.5, 127.5, 127.5, 127.5, 127.5, 127.5].concat([127.5, 127.5, 127.5, 127.5, 127.5, 127.5]));
  });
});

describe("which input takes the picture", () => {
  it("reads the layout and the fixed H x W from the signature", () => {
    expect(imageGeometry({ name: "x", dtype: "float32", shape: [1, 3, 224, 224] }, null)).toEqual({
      layout: "NCHW", batch: 1, height: 224, width: 224,
    });
    expect(imageGeometry({ name: "x", dtype: "float32", shape: ["batch", 320, 640, 3] }, null)).toEqual({
      layout: "NHWC", batch: 1, height: 320, width: 640,
    });
    // Dynamic H and W: the user types them.
    expect(imageGeometry({ name: "x", dtype: "float32", shape: ["batch", 3, "height", "width"] }, null)).toMatchObject({
      layout: "NCHW", height: null, width: null,
    });
  });

  it("follows the saved layout, and refuses inputs that cannot take three channels", () => {
    const nhwc = { ...DEFAULT_PREPROCESSING, layout: "NHWC" as const };
    expect(imageGeometry({ name: "x", dtype: "float32", shape: [1, 3, 224, 224] }, nhwc)).toBeNull();
    expect(imageGeometry({ name: "x", dtype: "float32", shape: [1, 1, 28, 28] }, null)).toBeNull();
    expect(imageGeometry({ name: "x", dtype: "float32", shape: ["batch", 16] }, null)).toBeNull();
    const found = findImageInput(
      [{ name: "mask", dtype: "float32", shape: [1, 16] }, { name: "image", dtype: "float32", shape: [1, 480, 640, 3] }],
      nhwc,
    );
    expect(found).toMatchObject({ index: 1, geometry: { height: 480, width: 640 } });
  });
});

describe("the settings as people write them", () => {
  it("reads a scale as a fraction or a number, and mean/std as three numbers", () => {
    expect(parseScale("1/255")).toBeCloseTo(1 / 255, 12);
    expect(parseScale(" 0.5 ")).toBe(0.5);
    expect(parseScale("a third")).toBeNull();
    expect(parseScale("")).toBeNull();
    expect(parseTriple("0.485, 0.456 0.406")).toEqual([0.485, 0.456, 0.406]);
    expect(parseTriple("1, 2")).toBeNull();
  });

  it("describes what it applies in the terms of training code", () => {
    expect(describePreprocessing(DEFAULT_PREPROCESSING)).toBe(
      "RGB, (pixel × 1/255 − mean) ÷ std with mean [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225], NCHW",
    );
  });
});
