// Tensors for the try-it form, held as the bytes the Open Inference Protocol's binary
// tensor extension puts on the wire (little-endian, row-major), so that a 1x3x224x224 input
// is a 600 KB buffer rather than 150,528 JavaScript numbers in a text box.

/** Bytes per element of each numeric V2 datatype (BOOL is one byte; BYTES has no fixed size). */
export const ELEMENT_BYTES: Record<string, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  BF16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

export type NumericTensor = { name: string; datatype: string; shape: number[]; bytes: Uint8Array };
export type BytesTensor = { name: string; datatype: "BYTES"; shape: number[]; strings: string[] };
export type Tensor = NumericTensor | BytesTensor;

export function elementCount(shape: number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function isBytesTensor(tensor: Tensor): tensor is BytesTensor {
  return tensor.datatype === "BYTES";
}

// IEEE 754 half precision, rounding to nearest even (what numpy's astype(float16) does).
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, nan
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflows to inf
  if (e <= 0) {
    if (e < -10) return sign; // underflows to zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest === midpoint && half & 1)) half += 1;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1; // may carry into the exponent: still right
  return sign | half;
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Element `index` of a numeric tensor's bytes, as a JavaScript number (64-bit integers may round). */
export function readElement(view: DataView, datatype: string, index: number): number {
  switch (datatype) {
    case "BOOL":
      return view.getUint8(index) ? 1 : 0;
    case "UINT8":
      return view.getUint8(index);
    case "INT8":
      return view.getInt8(index);
    case "UINT16":
      return view.getUint16(index * 2, true);
    case "INT16":
      return view.getInt16(index * 2, true);
    case "FP16":
      return fromFloat16Bits(view.getUint16(index * 2, true));
    case "BF16":
      return new Float32Array(new Uint32Array([view.getUint16(index * 2, true) << 16]).buffer)[0]!;
    case "UINT32":
      return view.getUint32(index * 4, true);
    case "INT32":
      return view.getInt32(index * 4, true);
    case "FP32":
      return view.getFloat32(index * 4, true);
    case "UINT64":
      return Number(view.getBigUint64(index * 8, true));
    case "INT64":
      return Number(view.getBigInt64(index * 8, true));
    case "FP64":
      return view.getFloat64(index * 8, true);
    default:
      throw new Error(`datatype ${datatype} is not a numeric V2 datatype`);
  }
}

/** Writes `value` as element `index`; integers truncate toward zero, as numpy's astype does. */
export function writeElement(view: DataView, datatype: string, index: number, value: number): void {
  const integer = Number.isFinite(value) ? Math.trunc(value) : 0;
  switch (datatype) {
    case "BOOL":
      return view.setUint8(index, value ? 1 : 0);
    case "UINT8":
      return view.setUint8(index, integer);
    case "INT8":
      return view.setInt8(index, integer);
    case "UINT16":
      return view.setUint16(index * 2, integer, true);
    case "INT16":
      return view.setInt16(index * 2, integer, true);
    case "FP16":
      return view.setUint16(index * 2, toFloat16Bits(value), true);
    case "BF16":
      return view.setUint16(index * 2, new Uint32Array(new Float32Array([value]).buffer)[0]! >>> 16, true);
    case "UINT32":
      return view.setUint32(index * 4, integer, true);
    case "INT32":
      return view.setInt32(index * 4, integer, true);
    case "FP32":
      return view.setFloat32(index * 4, value, true);
    case "UINT64":
      return view.setBigUint64(index * 8, BigInt(integer), true);
    case "INT64":
      return view.setBigInt64(index * 8, BigInt(integer), true);
    case "FP64":
      return view.setFloat64(index * 8, value, true);
    default:
      throw new Error(`datatype ${datatype} is not a numeric V2 datatype`);
  }
}

export type Fill = "zeros" | "ones" | "random";

/** A tensor of `shape` filled with zeros, ones or uniform random values in [0, 1) (integers: 0..9). */
export function generateTensor(name: string, datatype: string, shape: number[], fill: Fill): Tensor {
  const count = elementCount(shape);
  if (datatype === "BYTES") return { name, datatype, shape, strings: Array.from({ length: count }, () => "") };
  const size = ELEMENT_BYTES[datatype];
  if (!size) throw new Error(`input ${name}: datatype ${datatype} cannot be generated here`);
  const bytes = new Uint8Array(count * size);
  if (fill !== "zeros") {
    const view = new DataView(bytes.buffer);
    const integer = !datatype.startsWith("FP") && datatype !== "BF16";
    for (let i = 0; i < count; i++) {
      const value = fill === "ones" ? 1 : integer ? Math.floor(Math.random() * (datatype === "BOOL" ? 2 : 10)) : Math.random();
      writeElement(view, datatype, i, value);
    }
  }
  return { name, datatype, shape, bytes };
}

/** The tensor's values as JSON-able numbers or booleans (the V2 JSON `data` array). */
export function tensorValues(tensor: Tensor, limit = Infinity): (number | boolean | string)[] {
  if (isBytesTensor(tensor)) return tensor.strings.slice(0, limit);
  const view = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  const count = Math.min(elementCount(tensor.shape), limit);
  const values: (number | boolean)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = readElement(view, tensor.datatype, i);
    values[i] = tensor.datatype === "BOOL" ? value !== 0 : value;
  }
  return values;
}

/** The same values in another numeric datatype (what numpy's astype does, for a file saved as float64). */
export function castTensor(tensor: NumericTensor, datatype: string): NumericTensor {
  if (tensor.datatype === datatype) return tensor;
  const size = ELEMENT_BYTES[datatype];
  if (!size) throw new Error(`input ${tensor.name}: cannot convert ${tensor.datatype} to ${datatype}`);
  const count = elementCount(tensor.shape);
  const from = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  const bytes = new Uint8Array(count * size);
  const to = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) writeElement(to, datatype, i, readElement(from, tensor.datatype, i));
  return { ...tensor, datatype, bytes };
}

/** The V2 JSON request body. */
export function jsonRequest(tensors: Tensor[]): string {
  return JSON.stringify({
    inputs: tensors.map((tensor) => ({
      name: tensor.name,
      shape: tensor.shape,
      datatype: tensor.datatype,
      data: tensorValues(tensor),
    })),
  });
}

// The engine (deploy/serving/binary.py) reads binary inputs of these datatypes; BF16 has no
// numpy dtype there, so it goes as JSON.
const BINARY_DATATYPES = new Set(["BOOL", "UINT8", "INT8", "UINT16", "INT16", "FP16", "UINT32", "INT32", "FP32",
  "UINT64", "INT64", "FP64", "BYTES"]);

export function canSendBinary(tensors: Tensor[]): boolean {
  return tensors.every((tensor) => BINARY_DATATYPES.has(tensor.datatype));
}

/**
 * The binary tensor extension's request: the JSON header (every input with
 * `parameters.binary_data_size` and no data), then each input's bytes in order. Outputs come
 * back as JSON, which the form can show without reading a response header across origins.
 */
export function binaryRequest(tensors: Tensor[]): { body: Uint8Array; headerLength: number } {
  const blobs = tensors.map((tensor) => (isBytesTensor(tensor) ? packStrings(tensor.strings) : tensor.bytes));
  const header = new TextEncoder().encode(
    JSON.stringify({
      inputs: tensors.map((tensor, i) => ({
        name: tensor.name,
        shape: tensor.shape,
        datatype: tensor.datatype,
        parameters: { binary_data_size: blobs[i]!.byteLength },
      })),
    }),
  );
  const body = new Uint8Array(header.byteLength + blobs.reduce((sum, blob) => sum + blob.byteLength, 0));
  body.set(header, 0);
  let offset = header.byteLength;
  for (const blob of blobs) {
    body.set(blob, offset);
    offset += blob.byteLength;
  }
  return { body, headerLength: header.byteLength };
}

/** BYTES elements on the wire: each a 4-byte little-endian length, then its UTF-8 bytes. */
function packStrings(strings: string[]): Uint8Array {
  const encoded = strings.map((text) => new TextEncoder().encode(text));
  const out = new Uint8Array(encoded.reduce((sum, item) => sum + 4 + item.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const item of encoded) {
    view.setUint32(offset, item.byteLength, true);
    out.set(item, offset + 4);
    offset += 4 + item.byteLength;
  }
  return out;
}
