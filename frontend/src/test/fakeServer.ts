// A stand-in for the REST API at the fetch boundary, so component tests exercise the real
// generated client, CSRF middleware and error parsing.
import { vi } from "vitest";

export type RecordedRequest = { method: string; path: string; headers: Headers; body: unknown };
type ReplyValue = { status?: number; body?: unknown; headers?: Record<string, string> };
type Reply = ReplyValue | ((request: RecordedRequest) => ReplyValue);

export function fakeServer(routes: Record<string, Reply | Reply[]>) {
  const requests: RecordedRequest[] = [];
  const calls = new Map<string, number>();
  const fetchMock = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const key = `${input.method} ${url.pathname}`;
    const contentType = input.headers.get("content-type") ?? "";
    const body = contentType.includes("application/json")
      ? await input.json()
      : contentType.includes("multipart/form-data")
        ? await input.formData()
        : contentType.includes("application/octet-stream")
          ? new Uint8Array(await input.arrayBuffer())
          : undefined;
    const recorded = { method: input.method, path: url.pathname + url.search, headers: input.headers, body };
    requests.push(recorded);
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ detail: `no fake for ${key}` }), { status: 404 });
    // A list of replies answers successive calls in turn, then repeats the last one.
    const count = calls.get(key) ?? 0;
    calls.set(key, count + 1);
    const reply = Array.isArray(route) ? route[Math.min(count, route.length - 1)]! : route;
    const { status = 200, body: replyBody, headers = {} } = typeof reply === "function" ? reply(recorded) : reply;
    if (status === 204) return new Response(null, { status, headers });
    return new Response(JSON.stringify(replyBody ?? {}), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("XMLHttpRequest", FakeXMLHttpRequest);
  return { requests, fetchMock };
}

/**
 * XMLHttpRequest (used for uploads, for their progress events) answered by the same fake
 * routes: it reports upload progress in two steps, then hands the request to fetch().
 */
class FakeXMLHttpRequest {
  status = 0;
  responseText = "";
  withCredentials = false;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private method = "GET";
  private url = "";
  private headers = new Headers();
  private responseHeaders = new Headers();

  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name);
  }

  open(method: string, url: string) {
    this.method = method;
    this.url = new URL(url, window.location.origin).toString();
  }

  setRequestHeader(name: string, value: string) {
    this.headers.set(name, value);
  }

  abort() {
    this.onabort?.();
  }

  send(body: FormData | Blob | string | null) {
    const total = 1000;
    this.upload.onprogress?.({ lengthComputable: true, loaded: total / 2, total });
    this.upload.onprogress?.({ lengthComputable: true, loaded: total, total });
    void (async () => {
      try {
        const response = await globalThis.fetch(
          new Request(this.url, { method: this.method, headers: this.headers, body: body ?? undefined }),
        );
        this.status = response.status;
        this.responseHeaders = response.headers;
        this.responseText = await response.text();
        this.onload?.();
      } catch {
        this.onerror?.();
      }
    })();
  }
}
