import { toApiError } from "./client";

describe("toApiError", () => {
  it("reads the backend's {detail, errors} shape", () => {
    const error = toApiError(400, { detail: "Invalid upload.", errors: { file: ["Not ONNX."] } });
    expect(error.message).toBe("Invalid upload.");
    expect(error.forField("file")).toEqual(["Not ONNX."]);
    expect(error.forField("name")).toEqual([]);
  });

  it("accepts DRF's bare {field: [msg]} shape too", () => {
    const error = toApiError(400, { name: ["This field is required."] });
    expect(error.forField("name")).toEqual(["This field is required."]);
    expect(error.message).toBe("Request failed (HTTP 400).");
  });

  it("explains a server failure without a body", () => {
    expect(toApiError(502, undefined).message).toBe("The server failed (HTTP 502).");
  });
});
