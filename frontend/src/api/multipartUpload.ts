// Large files go straight to object storage: the server presigns one PUT URL per part, the
// browser sends the parts, and `complete` assembles, verifies and registers them. The web
// process never carries the bytes.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ApiError, api, unwrap, type UploadProgress } from "./client";
import type { ModelDetail } from "./types";

/** Files from this size up take the multipart path (when the server stores objects in S3). */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
const HASH_SLICE = 8 * 1024 * 1024;

// FileReader rather than Blob.arrayBuffer(): the same in every browser and in jsdom.
function readBytes(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error("The file could not be read."));
    reader.readAsArrayBuffer(blob);
  });
}

/** SHA-256 of a file read in slices, so a multi-gigabyte file is never in memory at once. */
export async function fileSha256(file: Blob, onProgress: (progress: UploadProgress) => void): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += HASH_SLICE) {
    const end = Math.min(offset + HASH_SLICE, file.size);
    hash.update(new Uint8Array(await readBytes(file.slice(offset, end))));
    onProgress({ loaded: end, total: file.size, phase: "hashing" });
  }
  return bytesToHex(hash.digest());
}

/** PUT one part to its presigned URL; resolves with the part's ETag. */
function putPart(url: string, body: Blob, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      if (request.status < 200 || request.status >= 300) {
        reject(new ApiError(request.status, `Object storage refused a part (HTTP ${request.status}).`));
        return;
      }
      const etag = request.getResponseHeader("ETag");
      if (!etag) {
        reject(
          new ApiError(
            0,
            "Object storage accepted the part but hid its ETag from the browser: the bucket's CORS rules must " +
              "allow this origin and expose the ETag header (ExposeHeaders: ETag).",
          ),
        );
        return;
      }
      resolve(etag);
    };
    request.onerror = () =>
      reject(
        new ApiError(0, "Object storage did not answer the browser (is CORS allowed for this origin on the bucket?)."),
      );
    request.send(body);
  });
}

export type LargeUpload = {
  file: File;
  name: string;
  description: string;
  tags: string[];
  card: string;
  onProgress: (progress: UploadProgress) => void;
};

/**
 * Registers a model through a presigned multipart upload. Resolves with null when the server
 * has no S3 storage (it answers 409), so the caller can send the file directly instead.
 */
export async function uploadThroughObjectStorage(upload: LargeUpload): Promise<ModelDetail | null> {
  const { file, onProgress } = upload;
  const checksum = await fileSha256(file, onProgress);
  let started;
  try {
    started = await unwrap(
      api.POST("/api/v1/uploads/", { body: { filename: file.name, size_bytes: file.size, sha256: checksum } }),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return null;
    throw error;
  }
  const uploadId = started.id;
  const parts: { part_number: number; etag: string }[] = [];
  let sent = 0;
  try {
    for (const part of [...started.parts].sort((a, b) => a.part_number - b.part_number)) {
      const start = (part.part_number - 1) * started.part_size;
      const slice = file.slice(start, Math.min(start + started.part_size, file.size));
      const etag = await putPart(part.url, slice, (loaded) =>
        onProgress({ loaded: sent + loaded, total: file.size, phase: "uploading" }),
      );
      sent += slice.size;
      parts.push({ part_number: part.part_number, etag });
    }
  } catch (error) {
    // Leave no half-uploaded object behind.
    await api.DELETE("/api/v1/uploads/{id}/", { params: { path: { id: uploadId } } }).catch(() => undefined);
    throw error;
  }
  onProgress({ loaded: file.size, total: file.size, phase: "registering" });
  return unwrap(
    api.POST("/api/v1/uploads/{id}/complete/", {
      params: { path: { id: uploadId } },
      body: {
        parts,
        name: upload.name,
        description: upload.description,
        tags: upload.tags,
        card: upload.card,
        sha256: checksum,
      },
    }),
  );
}
