import { fixtureBytes } from "./npyFixtures.test-data";
import { NumpyFileError, parseNpy, parseNpz, parseNumpyFile } from "./npy";
import { tensorValues, type BytesTensor, type NumericTensor } from "./tensors";

describe("reading NumPy files in the browser", () => {
  it("reads a float32 .npy with its shape and values", () => {
    const tensor = parseNpy(fixtureBytes("f32_2x3"), "x") as NumericTensor;
    expect(tensor).toMatchObject({ name: "x", datatype: "FP32", shape: [2, 3] });
    expect(tensorValues(tensor)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });

  it("turns big-endian data into the little-endian bytes the wire carries", () => {
    const tensor = parseNpy(fixtureBytes("i16_big")) as NumericTensor;
    expect(tensor.datatype).toBe("INT16");
    expect(tensorValues(tensor)).toEqual([1, -2, 300]);
    expect(Array.from(tensor.bytes.subarray(0, 2))).toEqual([1, 0]);
  });

  it("reads float16, bool, int64, a 0-d array and strings", () => {
    expect(tensorValues(parseNpy(fixtureBytes("f16")))).toEqual([0.5, -1.25, 65504]);
    const flags = parseNpy(fixtureBytes("bool"));
    expect(flags).toMatchObject({ datatype: "BOOL", shape: [2, 2] });
    expect(tensorValues(flags)).toEqual([true, false, false, true]);
    expect(tensorValues(parseNpy(fixtureBytes("i64")))).toEqual([7, -9]);
    const scalar = parseNpy(fixtureBytes("scalar"));
    expect(scalar).toMatchObject({ datatype: "FP64", shape: [] });
    expect(tensorValues(scalar)).toEqual([2.5]);
    const words = parseNpy(fixtureBytes("unicode")) as BytesTensor;
    expect(words).toMatchObject({ datatype: "BYTES", shape: [2], strings: ["ab", "héllo"] });
  });

  it("puts a Fortran-ordered array in row-major order", () => {
    const tensor = parseNpy(fixtureBytes("fortran"));
    expect(tensor.shape).toEqual([2, 3]);
    expect(tensorValues(tensor)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("refuses pickled objects, files that are not .npy, and cut-off data, saying why", () => {
    expect(() => parseNpy(fixtureBytes("objects"))).toThrow(/Python objects/);
    expect(() => parseNpy(new TextEncoder().encode("{\"inputs\": []}"))).toThrow(NumpyFileError);
    const whole = fixtureBytes("f32_2x3");
    expect(() => parseNpy(whole.subarray(0, whole.byteLength - 4))).toThrow(/cut off.*24 bytes.*20/);
  });

  it("reads every array of an .npz, stored or compressed, by its keyword name", async () => {
    const stored = await parseNpz(fixtureBytes("npz_stored"));
    expect(stored.map((tensor) => [tensor.name, tensor.datatype, tensor.shape])).toEqual([
      ["x", "FP32", [1, 3]],
      ["ids", "INT64", [1, 2]],
    ]);
    expect(tensorValues(stored[1]!)).toEqual([1, 2]);
    const [compressed] = await parseNpz(fixtureBytes("npz_compressed"));
    expect(compressed!.shape).toEqual([3, 4]);
    expect(tensorValues(compressed!)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const positional = await parseNumpyFile(fixtureBytes("npz_positional"), "inputs.npz");
    expect(positional.map((tensor) => tensor.name)).toEqual(["arr_0", "arr_1"]);
  });

  it("names a lone .npy array after its file", async () => {
    const [tensor] = await parseNumpyFile(fixtureBytes("f32_2x3"), "images.npy");
    expect(tensor!.name).toBe("images");
  });
});
