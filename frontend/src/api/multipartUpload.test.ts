import { fakeServer } from "../test/fakeServer";
import { model } from "../test/fixtures";
import { fileSha256, uploadThroughObjectStorage } from "./multipartUpload";

// sha256("abcdefghijklmn"), computed outside the code under test.
const CHECKSUM = "0653c7e992d7aad40cb2635738b870e4c154afb346340d02c797d490dd52d5f9";
const S3 = "http://s3.test/whetstone/uploads/7/model.onnx";

function bigFile(): File {
  // Three parts of 4 bytes and one of 2: the last part is the remainder.
  return new File([new TextEncoder().encode("abcdefghijklmn")], "model.onnx");
}

function started(parts = 4) {
  return {
    id: 7,
    filename: "model.onnx",
    size_bytes: 14,
    part_size: 4,
    expires_at: "2026-11-26T10:00:00Z",
    parts: Array.from({ length: parts }, (_, index) => ({ part_number: index + 1, url: `${S3}?partNumber=${index + 1}` })),
  };
}

describe("presigned multipart upload", () => {
  it("hashes the file in slices to the same SHA-256 as one pass", async () => {
    const expected = CHECKSUM;
    const seen: number[] = [];
    expect(await fileSha256(bigFile(), (progress) => seen.push(progress.loaded))).toBe(expected);
    expect(seen.at(-1)).toBe(14);
  });

  it("sends each part to its URL and completes with the ETags and checksum", async () => {
    let part = 0;
    const { requests } = fakeServer({
      "POST /api/v1/uploads/": { status: 201, body: started() },
      "PUT /whetstone/uploads/7/model.onnx": () => ({ status: 200, headers: { ETag: `"etag-${++part}"` } }),
      "POST /api/v1/uploads/7/complete/": { status: 201, body: model },
    });
    const phases = new Set<string>();
    const registered = await uploadThroughObjectStorage({
      file: bigFile(),
      name: "big",
      description: "",
      tags: ["large"],
      card: "",
      onProgress: (progress) => phases.add(progress.phase ?? ""),
    });
    expect(registered).toEqual(model);
    expect(requests.filter((request) => request.method === "PUT")).toHaveLength(4);
    const complete = requests.find((request) => request.path === "/api/v1/uploads/7/complete/")!;
    expect(complete.body).toMatchObject({
      name: "big",
      tags: ["large"],
      sha256: CHECKSUM,
      parts: [1, 2, 3, 4].map((number) => ({ part_number: number, etag: `"etag-${number}"` })),
    });
    expect([...phases]).toEqual(["hashing", "uploading", "registering"]);
  });

  it("answers null when the server keeps objects locally, so the file is sent directly", async () => {
    fakeServer({ "POST /api/v1/uploads/": { status: 409, body: { detail: "Presigned uploads need S3 object storage" } } });
    const result = await uploadThroughObjectStorage({
      file: bigFile(), name: "big", description: "", tags: [], card: "", onProgress: () => undefined,
    });
    expect(result).toBeNull();
  });

  it("aborts the upload and says why when the bucket hides the ETag", async () => {
    const { requests } = fakeServer({
      "POST /api/v1/uploads/": { status: 201, body: started() },
      "PUT /whetstone/uploads/7/model.onnx": { status: 200 },
      "DELETE /api/v1/uploads/7/": { status: 204 },
    });
    await expect(
      uploadThroughObjectStorage({ file: bigFile(), name: "big", description: "", tags: [], card: "", onProgress: () => undefined }),
    ).rejects.toThrow(/ExposeHeaders: ETag/);
    expect(requests.some((request) => request.method === "DELETE" && request.path === "/api/v1/uploads/7/")).toBe(true);
  });
});
