import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./generated/schema";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

// Django rotates the CSRF token at login, so it is read from the cookie on every request
// rather than cached once.
const csrfHeader: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const token = readCookie("csrftoken");
      if (token) request.headers.set("X-CSRFToken", token);
    }
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  credentials: "same-origin",
  // Looked up per call (not captured once) so tests can stub globalThis.fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(csrfHeader);

/** The backend's error shape: {"detail": str, "errors": {field: [str]}}. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: Record<string, string[]>;

  constructor(status: number, detail: string, fieldErrors: Record<string, string[]> = {}) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
  }

  /** Messages for one form field ("non_field_errors" and unknown fields go to the form). */
  forField(field: string): string[] {
    return this.fieldErrors[field] ?? [];
  }
}

function asFieldErrors(value: unknown): Record<string, string[]> {
  if (!value || typeof value !== "object") return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) result[field] = messages.map(String);
    else if (typeof messages === "string") result[field] = [messages];
  }
  return result;
}

export function toApiError(status: number, body: unknown): ApiError {
  const fallback = status >= 500 ? `The server failed (HTTP ${status}).` : `Request failed (HTTP ${status}).`;
  if (!body || typeof body !== "object") return new ApiError(status, fallback);
  const record = body as Record<string, unknown>;
  const detail = typeof record.detail === "string" && record.detail ? record.detail : fallback;
  // DRF answers some errors without the "errors" wrapper ({"field": ["msg"]}); accept both.
  const errors = record.errors !== undefined ? asFieldErrors(record.errors) : asFieldErrors(record);
  delete errors.detail;
  return new ApiError(status, detail, errors);
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/** Returns the data of a successful call, or throws an ApiError the UI can show. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "Cannot reach the Whetstone server. Check your connection and try again.");
  }
  if (result.error !== undefined || !result.response.ok) {
    throw toApiError(result.response.status, result.error);
  }
  return result.data as T;
}

export type UploadProgress = {
  loaded: number;
  total: number;
  /** hashing: reading the file for its SHA-256; uploading: bytes on the wire; registering: the server checks it. */
  phase?: "hashing" | "uploading" | "registering";
};

/**
 * A multipart POST through XMLHttpRequest, because fetch() reports no upload progress.
 * Same CSRF header and error parsing as the generated client.
 */
export function postFormWithProgress<T>(
  path: string,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.withCredentials = true;
    request.setRequestHeader("Accept", "application/json");
    const token = readCookie("csrftoken");
    if (token) request.setRequestHeader("X-CSRFToken", token);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total, phase: "uploading" });
    };
    request.onload = () => {
      let body: unknown = undefined;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(toApiError(request.status, body));
    };
    request.onerror = () =>
      reject(new ApiError(0, "Cannot reach the Whetstone server. Check your connection and try again."));
    request.onabort = () => reject(new ApiError(0, "The upload was cancelled."));
    signal?.addEventListener("abort", () => request.abort());
    request.send(form);
  });
}
