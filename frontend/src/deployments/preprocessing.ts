// A picture as a model's input tensor: resized to the input's H x W, each pixel turned into float32
// with the preprocessing saved on the model (platform/modelhub/preprocessing.py), laid out NCHW or
// NHWC. Pure functions over RGBA bytes, so that the numbers can be checked without a browser; the
// browser only decodes the file (image.ts).
import type { components } from "../api/generated/schema";
import type { TensorSpec } from "../api/types";
import { castTensor, type NumericTensor } from "./tensors";

export type Preprocessing = components["schemas"]["Preprocessing"];
export type Layout = Preprocessing["layout"];

/** What the console applies when the model has none saved: torchvision's ImageNet recipe. */
export const DEFAULT_PREPROCESSING: Preprocessing = {
  layout: "NCHW",
  color: "RGB",
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** Where H and W are typed in when the signature leaves them dynamic. */
export const DEFAULT_IMAGE_SIDE = 224;

/** Decoded pixels, row-major RGBA, 0..255 (what a canvas's getImageData gives). */
export type RgbaImage = { width: number; height: number; data: Uint8ClampedArray | Uint8Array };

/** How an image input of the signature takes a picture; null dims are dynamic (the user types them). */
export type ImageGeometry = {
  layout: Layout;
  batch: number;
  height: number | null;
  width: number | null;
};

function fixed(dim: unknown): number | null {
  return typeof dim === "number" && Number.isInteger(dim) && dim > 0 ? dim : null;
}

/**
 * The input's layout and fixed dims, when it can take a 3-channel picture: rank 4 with 3 channels
 * (or a dynamic dim) where the layout puts them. The saved layout decides; without one, the dim that
 * is 3 does (NCHW when both could be).
 */
export function imageGeometry(input: TensorSpec, saved: Preprocessing | null): ImageGeometry | null {
  const shape = Array.isArray(input.shape) ? input.shape : [];
  if (shape.length !== 4) return null;
  const channelsAt = (layout: Layout) => (layout === "NCHW" ? shape[1] : shape[3]);
  const canTake = (layout: Layout) => {
    const channels = channelsAt(layout);
    return channels === 3 || fixed(channels) === null;
  };
  let layout: Layout | null = null;
  if (saved) layout = canTake(saved.layout) ? saved.layout : null;
  else if (shape[1] === 3) layout = "NCHW";
  else if (shape[3] === 3) layout = "NHWC";
  else if (canTake("NCHW")) layout = "NCHW";
  if (!layout) return null;
  const [height, width] = layout === "NCHW" ? [shape[2], shape[3]] : [shape[1], shape[2]];
  return { layout, batch: fixed(shape[0]) ?? 1, height: fixed(height), width: fixed(width) };
}

/** The first input that can take a picture, with its geometry. */
export function findImageInput(inputs: TensorSpec[], saved: Preprocessing | null) {
  for (const [index, input] of inputs.entries()) {
    const geometry = imageGeometry(input, saved);
    if (geometry) return { index, input, geometry };
  }
  return null;
}

// PIL's bilinear filter (a triangle), widened by the scale factor when shrinking so that every
// source pixel counts (antialiasing, as Image.resize and torchvision's Resize on PIL images do).
function resampleWeights(inSize: number, outSize: number): { first: number; weights: Float64Array }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1, times the scale
  const taps: { first: number; weights: Float64Array }[] = [];
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    const first = Math.max(Math.floor(center - support + 0.5), 0);
    const last = Math.min(Math.floor(center + support + 0.5), inSize);
    const weights = new Float64Array(Math.max(last - first, 1));
    let total = 0;
    for (let i = first; i < last; i++) {
      const distance = Math.abs((i - center + 0.5) / filterScale);
      const weight = distance < 1 ? 1 - distance : 0;
      weights[i - first] = weight;
      total += weight;
    }
    if (total > 0) for (let i = 0; i < weights.length; i++) weights[i]! /= total;
    else weights[0] = 1; // a source of one pixel
    taps.push({ first: Math.min(first, inSize - 1), weights });
  }
  return taps;
}

/**
 * The picture stretched to `width` x `height` (aspect ratio not kept: detection boxes map back by
 * scaling each axis), RGB as floats in 0..255; alpha is dropped, as PIL's convert("RGB") does.
 * Separable: rows first, then columns, in floats (PIL rounds to bytes between the passes, so its
 * values may differ by a fraction of a level).
 */
export function resizeRgb(image: RgbaImage, width: number, height: number): Float32Array {
  const horizontal = resampleWeights(image.width, width);
  const vertical = resampleWeights(image.height, height);
  const rows = new Float32Array(image.height * width * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      const { first, weights } = horizontal[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < weights.length; k++) {
        const source = (y * image.width + first + k) * 4;
        const weight = weights[k]!;
        r += image.data[source]! * weight;
        g += image.data[source + 1]! * weight;
        b += image.data[source + 2]! * weight;
      }
      const target = (y * width + x) * 3;
      rows[target] = r;
      rows[target + 1] = g;
      rows[target + 2] = b;
    }
  }
  const out = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const { first, weights } = vertical[y]!;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < weights.length; k++) {
        const source = ((first + k) * width + x) * 3;
        const weight = weights[k]!;
        r += rows[source]! * weight;
        g += rows[source + 1]! * weight;
        b += rows[source + 2]! * weight;
      }
      const target = (y * width + x) * 3;
      out[target] = r;
      out[target + 1] = g;
      out[target + 2] = b;
    }
  }
  return out;
}

/**
 * RGB pixels (0..255, row-major, from resizeRgb) as the model's input values, one image:
 * value = (pixel * scale - mean[c]) / std[c], channels in the saved color order, laid out
 * as [C, H, W] (NCHW) or [H, W, C] (NHWC).
 */
export function normalizePixels(rgb: Float32Array, width: number, height: number, pre: Preprocessing): Float32Array {
  const pixels = width * height;
  const out = new Float32Array(pixels * 3);
  const order = pre.color === "BGR" ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const source = order[c]!;
    const mean = pre.mean[c]!;
    const std = pre.std[c]!;
    for (let p = 0; p < pixels; p++) {
      const value = (rgb[p * 3 + source]! * pre.scale - mean) / std;
      out[pre.layout === "NCHW" ? c * pixels + p : p * 3 + c] = value;
    }
  }
  return out;
}

/** The input tensor's shape for `batch` copies of a picture at `height` x `width`, in the layout. */
export function imageShape(layout: Layout, height: number, width: number, batch = 1): number[] {
  return layout === "NCHW" ? [batch, 3, height, width] : [batch, height, width, 3];
}

/** The whole conversion: a decoded picture as float32 values of shape imageShape(...). */
export function imageToFloat32(image: RgbaImage, width: number, height: number, pre: Preprocessing): Float32Array {
  return normalizePixels(resizeRgb(image, width, height), width, height, pre);
}

/**
 * The picture as the named input: float32 in the byte layout of the V2 binary extension
 * (little-endian), cast to the input's datatype (FP16, or UINT8 for a model that takes raw pixels
 * with scale 1, mean 0, std 1) as numpy's astype would. An input whose batch dim is fixed above 1
 * gets the picture that many times.
 */
export function imageTensor(
  name: string,
  datatype: string,
  image: RgbaImage,
  size: { width: number; height: number },
  pre: Preprocessing,
  batch = 1,
): NumericTensor {
  const values = imageToFloat32(image, size.width, size.height, pre);
  const bytes = new Uint8Array(values.length * 4 * batch);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  for (let copy = 1; copy < batch; copy++) bytes.copyWithin(copy * values.length * 4, 0, values.length * 4);
  const shape = imageShape(pre.layout, size.height, size.width, batch);
  const tensor: NumericTensor = { name, datatype: "FP32", shape, bytes };
  return datatype === "FP32" ? tensor : castTensor(tensor, datatype);
}

function formatValue(value: number): string {
  if (Math.abs(value - 1 / 255) < 1e-12) return "1/255";
  if (Math.abs(value - 1 / 127.5) < 1e-12) return "1/127.5";
  return String(Number(value.toPrecision(6)));
}

/** One line a person can check against their training code. */
export function describePreprocessing(pre: Preprocessing): string {
  const list = (values: number[]) => `[${values.map(formatValue).join(", ")}]`;
  return (
    `${pre.color}, (pixel × ${formatValue(pre.scale)} − mean) ÷ std with mean ${list(pre.mean)} and std ` +
    `${list(pre.std)}, ${pre.layout}`
  );
}

/** "1/255", "0.5" or "2" as a number; null when it is neither. */
export function parseScale(text: string): number | null {
  const trimmed = text.trim();
  const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(trimmed);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : trimmed === "" ? NaN : Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** A scale as a person would type it: 1/255 and 1/127.5 by name, any other number in full (it round-trips). */
export function formatScale(value: number): string {
  const name = formatValue(value);
  return name.includes("/") ? name : String(value);
}

/** "0.485, 0.456, 0.406" as three numbers; null unless there are exactly three. */
export function parseTriple(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean).map(Number);
  return parts.length === 3 && parts.every(Number.isFinite) ? parts : null;
}
