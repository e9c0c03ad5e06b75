import {
  binaryRequest,
  castTensor,
  fromFloat16Bits,
  generateTensor,
  jsonRequest,
  tensorValues,
  toFloat16Bits,
  type NumericTensor,
} from "./tensors";

describe("tensors for the try-it form", () => {
  it("generates a full 1x3x224x224 input, not a truncated one", () => {
    const tensor = generateTensor("pixels", "FP32", [1, 3, 224, 224], "random") as NumericTensor;
    expect(tensor.bytes.byteLength).toBe(3 * 224 * 224 * 4);
    const values = tensorValues(tensor) as number[];
    expect(values).toHaveLength(150528);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values.slice(0, 100)).size).toBeGreaterThan(50);
  });

  it("fills integer and bool inputs with whole values", () => {
    expect(tensorValues(generateTensor("ids", "INT64", [2, 2], "ones"))).toEqual([1, 1, 1, 1]);
    const flags = tensorValues(generateTensor("mask", "BOOL", [4], "zeros"));
    expect(flags).toEqual([false, false, false, false]);
    const tokens = tensorValues(generateTensor("ids", "INT32", [50], "random")) as number[];
    expect(tokens.every((value) => Number.isInteger(value) && value >= 0 && value < 10)).toBe(true);
  });

  it("round-trips float16 as numpy rounds it", () => {
    // Bit patterns from numpy: np.array([...], np.float16).view(np.uint16)
    expect([1, -2, 0.1, 65504, 1e-7, 70000].map(toFloat16Bits)).toEqual([15360, 49152, 11878, 31743, 2, 31744]);
    expect(fromFloat16Bits(11878)).toBeCloseTo(0.0999755859375, 12);
  });

  it("casts float64 to float32 and float to integers as astype does", () => {
    const doubles: NumericTensor = { name: "x", datatype: "FP64", shape: [3], bytes: new Uint8Array(new Float64Array([1.5, -2.7, 3]).buffer) };
    const single = castTensor(doubles, "FP32");
    expect(single.bytes.byteLength).toBe(12);
    expect(tensorValues(single)).toEqual([1.5, Math.fround(-2.7), 3]);
    expect(tensorValues(castTensor(doubles, "INT32"))).toEqual([1, -2, 3]);
  });

  it("writes the JSON request with every value", () => {
    const request = JSON.parse(jsonRequest([generateTensor("x", "FP32", [2, 3], "ones")]));
    expect(request).toEqual({ inputs: [{ name: "x", shape: [2, 3], datatype: "FP32", data: [1, 1, 1, 1, 1, 1] }] });
  });

  it("lays out a binary request as deploy/serving/binary.py reads it", () => {
    const x: NumericTensor = { name: "x", datatype: "FP32", shape: [2], bytes: new Uint8Array(new Float32Array([1, 2]).buffer) };
    const words = { name: "w", datatype: "BYTES" as const, shape: [2], strings: ["ab", ""] };
    const { body, headerLength } = binaryRequest([x, words]);
    const header = JSON.parse(new TextDecoder().decode(body.subarray(0, headerLength)));
    expect(header).toEqual({
      inputs: [
        { name: "x", shape: [2], datatype: "FP32", parameters: { binary_data_size: 8 } },
        { name: "w", shape: [2], datatype: "BYTES", parameters: { binary_data_size: 10 } },
      ],
    });
    const rest = body.subarray(headerLength);
    expect(Array.from(new Float32Array(rest.slice(0, 8).buffer))).toEqual([1, 2]);
    expect(Array.from(rest.subarray(8))).toEqual([2, 0, 0, 0, 97, 98, 0, 0, 0, 0]);
  });
});
