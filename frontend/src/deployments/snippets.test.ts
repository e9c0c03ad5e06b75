import { curlSnippet, exampleRequest, pythonSnippet, v2Datatype } from "./snippets";

const url = "http://127.0.0.1:8080/v2/models/tiny-7/infer";

describe("inference snippets", () => {
  it("builds a V2 request with symbolic dims set to 1 and V2 datatypes", () => {
    const request = exampleRequest([
      { name: "x", dtype: "float32", shape: ["batch", 4] },
      { name: "ids", dtype: "int64", shape: [null, 2] },
    ]);
    expect(request.inputs).toEqual([
      { name: "x", shape: [1, 4], datatype: "FP32", data: [0, 0, 0, 0] },
      { name: "ids", shape: [1, 2], datatype: "INT64", data: [0, 0] },
    ]);
    expect(v2Datatype("bool")).toBe("BOOL");
  });

  it("gives a curl command that posts that JSON to the endpoint", () => {
    const snippet = curlSnippet(url, [{ name: "x", dtype: "float32", shape: ["batch", 2] }]);
    expect(snippet).toContain(`-X POST '${url}'`);
    const body = snippet.slice(snippet.indexOf("-d '") + 4, snippet.lastIndexOf("'"));
    expect(JSON.parse(body)).toEqual({ inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [0, 0] }] });
    expect(snippet).not.toContain("shortened");
  });

  it("says so when a large input is shortened in the curl example", () => {
    const snippet = curlSnippet(url, [{ name: "image", dtype: "float32", shape: ["batch", 3, 224, 224] }]);
    expect(snippet).toContain("Data is shortened");
    expect(pythonSnippet(url, [{ name: "image", dtype: "float32", shape: ["batch", 3, 224, 224] }])).toContain(
      'np.zeros([1,3,224,224], dtype="float32")',
    );
  });

  it("authenticates with the token, or a placeholder when the console no longer has it", () => {
    const inputs = [{ name: "x", dtype: "float32", shape: [1] }];
    expect(curlSnippet(url, inputs, { required: true, token: "tok" })).toContain("-H 'Authorization: Bearer tok'");
    expect(curlSnippet(url, inputs, { required: true })).toContain("Bearer <your-access-token>");
    expect(curlSnippet(url, inputs, { required: false, token: "tok" })).not.toContain("Authorization");
    const python = pythonSnippet(url, inputs, { required: true, token: "tok" });
    expect(python).toContain('headers = {"Authorization": "Bearer tok"}');
    expect(python).toContain("requests.post(url, json=request, headers=headers, timeout=30)");
  });

  it("gives Python that posts to the endpoint and prints every output", () => {
    const snippet = pythonSnippet(url, [{ name: "x", dtype: "float32", shape: ["batch", 16] }]);
    expect(snippet).toContain(`url = "${url}"`);
    expect(snippet).toContain('"name": "x", "shape": [1,16], "datatype": "FP32"');
    expect(snippet).toContain("requests.post(url, json=request");
  });
});
