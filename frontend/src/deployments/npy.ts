// NumPy's .npy and .npz files, read in the browser, so that a user can try a deployment with
// the array they already have. The .npy format is a magic string, a version, a header that is
// a Python dict literal ({'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }) and the
// raw bytes (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html). An .npz
// is a zip of .npy files, stored (np.savez) or deflated (np.savez_compressed), written with
// zip64 local headers; the central directory is read here, and DecompressionStream inflates.
import { elementCount, type BytesTensor, type NumericTensor, type Tensor } from "./tensors";

export class NumpyFileError extends Error {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const KIND_DATATYPES: Record<string, Record<number, string>> = {
  b: { 1: "BOOL" },
  u: { 1: "UINT8", 2: "UINT16", 4: "UINT32", 8: "UINT64" },
  i: { 1: "INT8", 2: "INT16", 4: "INT32", 8: "INT64" },
  f: { 2: "FP16", 4: "FP32", 8: "FP64" },
};

type Header = { descr: string; fortranOrder: boolean; shape: number[]; dataOffset: number };

function readHeader(bytes: Uint8Array): Header {
  if (bytes.byteLength < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new NumpyFileError("this is not an .npy file (it does not start with \\x93NUMPY)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NumpyFileError(`.npy format version ${major} is not one this form reads (1, 2 or 3)`);
  }
  if (start + headerLength > bytes.byteLength) throw new NumpyFileError("the .npy header is cut off");
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) {
    throw new NumpyFileError("the .npy array has a structured dtype (fields); save a plain numeric array");
  }
  if (fortran === undefined || shapeText === undefined) throw new NumpyFileError(`the .npy header is not readable: ${text.trim()}`);
  const shape = shapeText
    .split(",")
    .map((dim) => dim.trim())
    .filter((dim) => dim !== "")
    .map((dim) => {
      const value = Number(dim.replace(/L$/, ""));
      if (!Number.isInteger(value) || value < 0) throw new NumpyFileError(`the .npy shape has a bad dimension: ${dim}`);
      return value;
    });
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: start + headerLength };
}

/** C-order copy of Fortran-ordered elements of `size` bytes each. */
function fortranToC(data: Uint8Array, shape: number[], size: number): Uint8Array {
  const count = elementCount(shape);
  const out = new Uint8Array(count * size);
  // Fortran strides, in elements: the first dimension varies fastest.
  const strides = shape.map((_, axis) => shape.slice(0, axis).reduce((product, dim) => product * dim, 1));
  const index = shape.map(() => 0);
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let axis = 0; axis < shape.length; axis++) f += index[axis]! * strides[axis]!;
    out.set(data.subarray(f * size, f * size + size), c * size);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** The array in an .npy file, as a tensor named `name` (little-endian, row-major bytes). */
export function parseNpy(bytes: Uint8Array, name = "array"): Tensor {
  const header = readHeader(bytes);
  if (/^[<>|=]?O/.test(header.descr)) {
    throw new NumpyFileError("the array holds Python objects (dtype object), which need pickle; save strings or numbers");
  }
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(header.descr);
  if (!match) throw new NumpyFileError(`dtype ${header.descr} is not one this form reads`);
  const [, order, kind, sizeText] = match;
  const size = Number(sizeText);
  const count = elementCount(header.shape);
  if (kind === "U" || kind === "S") {
    const width = kind === "U" ? size * 4 : size;
    const data = takeData(bytes, header.dataOffset, count * width);
    const ordered = header.fortranOrder ? fortranToC(data, header.shape, width) : data;
    const strings: string[] = [];
    for (let i = 0; i < count; i++) {
      const cell = ordered.subarray(i * width, (i + 1) * width);
      const text = kind === "U" ? decodeUtf32(cell, order === ">") : new TextDecoder("latin1").decode(cell);
      strings.push(text.replace(/\0+$/, ""));
    }
    return { name, datatype: "BYTES", shape: header.shape, strings } satisfies BytesTensor;
  }
  const datatype = KIND_DATATYPES[kind!]?.[size];
  if (!datatype) throw new NumpyFileError(`dtype ${header.descr} has no Open Inference Protocol datatype`);
  let data: Uint8Array = takeData(bytes, header.dataOffset, count * size).slice();
  if (order === ">" && size > 1) {
    for (let i = 0; i < data.byteLength; i += size) data.subarray(i, i + size).reverse();
  }
  if (header.fortranOrder) data = fortranToC(data, header.shape, size);
  return { name, datatype, shape: header.shape, bytes: data } satisfies NumericTensor;
}

function takeData(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset + length > bytes.byteLength) {
    throw new NumpyFileError(
      `the .npy data is cut off: its header promises ${length} bytes, the file has ${bytes.byteLength - offset}`,
    );
  }
  return bytes.subarray(offset, offset + length);
}

function decodeUtf32(cell: Uint8Array, bigEndian: boolean): string {
  const view = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
  let text = "";
  for (let i = 0; i + 4 <= cell.byteLength; i += 4) {
    const code = view.getUint32(i, !bigEndian);
    if (code === 0) break;
    text += String.fromCodePoint(code);
  }
  return text;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

type ZipEntry = { name: string; method: number; compressedSize: number; localOffset: number };

function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is the last 22 bytes, before a comment of up to 64 KB.
  let eocd = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new NumpyFileError("this is not an .npz file (no zip directory found)");
  let entryCount = view.getUint16(eocd + 10, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_EOCD_LOCATOR) {
    const zip64 = Number(view.getBigUint64(eocd - 12, true));
    entryCount = Number(view.getBigUint64(zip64 + 32, true));
    directoryOffset = Number(view.getBigUint64(zip64 + 48, true));
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new NumpyFileError("the .npz zip directory is damaged");
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localOffset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 extra field: the 8-byte values of whichever fields above are 0xFFFFFFFF, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = Number(view.getBigUint64(field, true));
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(view.getBigUint64(field, true));
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(view.getBigUint64(field, true));
      }
      extra += 4 + length;
    }
    entries.push({ name, method, compressedSize, localOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

async function entryData(bytes: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(entry.localOffset, true) !== LOCAL_SIGNATURE) throw new NumpyFileError(`.npz entry ${entry.name} is damaged`);
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  const raw = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new NumpyFileError(`.npz entry ${entry.name} uses zip method ${entry.method}; only stored and deflated are read`);
  const compressed = new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(raw.slice());
      controller.close();
    },
  });
  const stream = compressed.pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Every array in an .npz file, named as np.savez named them (keyword names, or arr_0, arr_1, ...). */
export async function parseNpz(bytes: Uint8Array): Promise<Tensor[]> {
  const tensors: Tensor[] = [];
  for (const entry of zipEntries(bytes)) {
    if (!entry.name.endsWith(".npy")) continue;
    const name = entry.name.slice(0, -".npy".length);
    try {
      tensors.push(parseNpy(await entryData(bytes, entry), name));
    } catch (error) {
      throw new NumpyFileError(`array ${name}: ${(error as Error).message}`);
    }
  }
  if (!tensors.length) throw new NumpyFileError("the .npz file holds no arrays");
  return tensors;
}

/** The arrays of an uploaded .npy or .npz file (told apart by their first bytes, not the name). */
export async function parseNumpyFile(bytes: Uint8Array, fileName: string): Promise<Tensor[]> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return parseNpz(bytes); // "PK": a zip
  return [parseNpy(bytes, fileName.replace(/\.npy$/i, ""))];
}
