import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { TensorSpec } from "../api/types";
import { exampleShape, v2Datatype } from "./snippets";

// A request body a person can still read and edit in a text box.
const MAX_FORM_ELEMENTS = 4096;

/** A V2 request with every input filled (zeros, or false/"" for BOOL/BYTES) at its example shape. */
export function inferenceRequestFor(inputs: TensorSpec[]) {
  return {
    inputs: inputs.map((input) => {
      const shape = exampleShape(Array.isArray(input.shape) ? input.shape : []);
      const datatype = v2Datatype(input.dtype);
      const elements = Math.min(
        shape.reduce((product, dim) => product * dim, 1),
        MAX_FORM_ELEMENTS,
      );
      const fill = datatype === "BOOL" ? false : datatype === "BYTES" ? "" : 0;
      return { name: input.name, shape, datatype, data: Array.from({ length: elements }, () => fill) };
    }),
  };
}

/** One line per tensor: readable in a text box, and valid JSON as it stands. */
export function formatRequest(request: { inputs: unknown[] }): string {
  return `{"inputs": [\n${request.inputs.map((input) => `  ${JSON.stringify(input)}`).join(",\n")}\n]}`;
}

export type InferenceAnswer = { status: number; ok: boolean; body: string; elapsedMs: number };

/** The engine is on another origin; it answers the console's origin through CORS (SERVING_CORS_ORIGINS). */
export async function sendInference(url: string, body: string, token: string): Promise<InferenceAnswer> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token.trim()) headers.Authorization = `Bearer ${token.trim()}`;
  const started = performance.now();
  let response: Response;
  try {
    response = await globalThis.fetch(new Request(url, { method: "POST", headers, body, mode: "cors", credentials: "omit" }));
  } catch {
    throw new Error(
      "The endpoint did not answer the browser. It may be down, or it does not allow this origin (CORS: set SERVING_CORS_ORIGINS on the serving engine).",
    );
  }
  const text = await response.text();
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: show it as it came.
  }
  return { status: response.status, ok: response.ok, body: pretty, elapsedMs: performance.now() - started };
}

export function TestInferenceForm({
  endpointUrl,
  inputs,
  tokenRequired,
  initialToken,
  ready,
}: {
  endpointUrl: string;
  inputs: TensorSpec[];
  tokenRequired: boolean;
  initialToken: string | null;
  ready: boolean;
}) {
  const [body, setBody] = useState(() => formatRequest(inferenceRequestFor(inputs)));
  const [token, setToken] = useState(initialToken ?? "");
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const infer = useMutation({ mutationFn: () => sendInference(endpointUrl, body, token) });

  function submit(event: FormEvent) {
    event.preventDefault();
    try {
      JSON.parse(body);
    } catch (error) {
      setJsonProblem(`The request is not valid JSON: ${(error as Error).message}`);
      return;
    }
    setJsonProblem(null);
    infer.mutate();
  }

  return (
    <form className="card infer-form" onSubmit={submit} aria-labelledby="infer-title" data-testid="infer-form">
      <h3 id="infer-title">Try an inference</h3>
      <p className="hint">
        Built from the model's signature (symbolic dims set to 1, values zero). Edit it, then send it to the endpoint
        from this browser.
      </p>
      <label htmlFor="infer-body">V2 request (JSON)</label>
      <textarea
        id="infer-body"
        rows={8}
        spellCheck={false}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        aria-invalid={Boolean(jsonProblem)}
        aria-describedby={jsonProblem ? "infer-body-error" : undefined}
      />
      {jsonProblem && (
        <p id="infer-body-error" className="field-errors" role="alert" data-testid="infer-json-error">
          {jsonProblem}
        </p>
      )}
      {tokenRequired && (
        <>
          <label htmlFor="infer-token">Access token</label>
          <input
            id="infer-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
        </>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!ready || infer.isPending} data-testid="infer-send">
          {infer.isPending ? "Sending…" : "Send request"}
        </button>
        {!ready && <span className="hint">Available once the deployment is ready.</span>}
      </div>
      {infer.isError && (
        <p className="form-error" role="alert" data-testid="infer-error">
          {(infer.error as Error).message}
        </p>
      )}
      {infer.data && (
        <div aria-live="polite" data-testid="infer-result">
          <p className={infer.data.ok ? "muted" : "bad-text"} data-testid="infer-status">
            HTTP {infer.data.status} · {infer.data.elapsedMs.toFixed(0)} ms
          </p>
          <pre className="infer-response" data-testid="infer-response" tabIndex={0}>
            {infer.data.body}
          </pre>
        </div>
      )}
    </form>
  );
}
