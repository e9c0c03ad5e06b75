import { describeLabels, labelsProblem, MAX_LABELS, parseLabels, readLabelFile } from "./labels";

describe("class labels", () => {
  it("reads label files as lines, JSON lists or index maps", () => {
    expect(parseLabels("cat\ndog\r\n")).toEqual(["cat", "dog"]);
    expect(parseLabels('["cat", "dog"]')).toEqual(["cat", "dog"]);
    expect(parseLabels('{"1": "dog", "0": "cat"}')).toEqual(["cat", "dog"]);
  });

  it("says what the API would refuse, before anything is sent", () => {
    expect(labelsProblem(["cat", "dog"])).toBeNull();
    expect(labelsProblem(["x".repeat(200)])).toBeNull();
    expect(labelsProblem(["cat", "x".repeat(201)])).toBe("Label 1 is 201 characters long; each label may have at most 200.");
    expect(labelsProblem(Array.from({ length: MAX_LABELS + 1 }, String))).toBe("At most 100,000 labels, not 100,001.");
    expect(labelsProblem(parseLabels("\n\n"))).toBe("The file holds no labels.");
  });

  it("describes the count and the first few", () => {
    expect(describeLabels(["tench", "goldfish", "", "shark"])).toBe("4 labels: tench, goldfish, (empty), …");
    expect(describeLabels(["cat"])).toBe("1 label: cat");
  });

  it("reads a chosen file, or rejects naming it", async () => {
    await expect(readLabelFile(new File(["a\nb\n"], "l.txt"))).resolves.toEqual(["a", "b"]);
    await expect(readLabelFile(new File(["[1,"], "l.json"))).rejects.toThrow(/^l\.json: not a label file/);
    await expect(readLabelFile(new File([""], "empty.txt"))).rejects.toThrow("empty.txt: The file holds no labels.");
  });
});
