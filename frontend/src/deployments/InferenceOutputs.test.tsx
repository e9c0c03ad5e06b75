import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { InferenceOutputs, outputKind, responseOutputs, topK } from "./InferenceOutputs";

describe("inference outputs", () => {
  it("tells class scores, embeddings and the rest apart as compiler_core/accuracy.py does", () => {
    expect(outputKind({ name: "output", shape: [1, 3], datatype: "FP32", data: [0.1, 2, -1] })).toBe("scores");
    expect(outputKind({ name: "logits", shape: [1, 2], datatype: "FP32", data: [0.6, 0.8] })).toBe("scores");
    expect(outputKind({ name: "output", shape: [1, 2], datatype: "FP32", data: [0.6, 0.8] })).toBe("embedding");
    expect(outputKind({ name: "pooler_output", shape: [1, 3], datatype: "FP32", data: [1, 2, 3] })).toBe("embedding");
    expect(outputKind({ name: "last_hidden_state", shape: [1, 2, 2], datatype: "FP32", data: [1, 2, 3, 4] })).toBe("embedding");
    expect(outputKind({ name: "boxes", shape: [1, 2, 4], datatype: "FP32", data: Array(8).fill(0) })).toBe("other");
    expect(outputKind({ name: "label", shape: [1, 3], datatype: "INT64", data: [1, 2, 3] })).toBe("other");
    expect(outputKind({ name: "y", shape: [3], datatype: "FP32", data: [1, 2, 3] })).toBe("other");
  });

  it("ranks the top classes with softmax probabilities, or the probabilities already given", () => {
    const top = topK([0, Math.log(3), 0], 2);
    expect(top.map((entry) => entry.index)).toEqual([1, 0]);
    expect(top[0]!.probability).toBeCloseTo(0.6, 10);
    expect(topK([0.2, 0.7, 0.1], 1)[0]).toEqual({ index: 1, score: 0.7, probability: 0.7 });
  });

  it("shows an embedding's norm and copies the vector", async () => {
    const actions = userEvent.setup(); // installs a clipboard the test can read back
    render(<InferenceOutputs labels={[]} outputs={[{ name: "embedding", shape: [1, 2], datatype: "FP32", data: [3, 4] }]} />);
    expect(screen.getByTestId("embedding-norm-embedding").textContent).toBe("5");
    await actions.click(screen.getByRole("button", { name: "Copy embedding as JSON" }));
    expect(await navigator.clipboard.readText()).toBe("[3,4]");
    expect(screen.getByRole("button", { name: "Copy embedding as JSON" }).textContent).toBe("Copied");
  });

  it("previews a large output within bounds, with its shape and datatype", () => {
    const data = Array.from({ length: 1000 }, (_, i) => i);
    render(<InferenceOutputs labels={[]} outputs={[{ name: "depth", shape: [1, 10, 100], datatype: "FP32", data }]} />);
    const preview = screen.getByTestId("preview-depth");
    expect(preview.textContent).toContain("968 more");
    expect(preview.textContent).toContain("max 999");
    expect(screen.getByText(/\[1, 10, 100\] FP32/)).toBeTruthy();
  });

  it("accepts only V2 response bodies", () => {
    expect(responseOutputs({ outputs: [{ name: "y", shape: [1], datatype: "FP32", data: [1] }] })).toHaveLength(1);
    expect(responseOutputs({ error: "bad" })).toBeNull();
    expect(responseOutputs({ outputs: [{ name: "y" }] })).toBeNull();
  });
});
