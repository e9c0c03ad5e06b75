import { useMutation } from "@tanstack/react-query";
import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import { useJob } from "../api/queries";
import type { Job, TensorSpec, TokenizerSummary } from "../api/types";
import { formatBytes } from "../format/numbers";
import type { SentPicture } from "./DetectionOverlay";
import { ImageInput, targetSize, type ImageValue } from "./ImageInput";
import type { DetectionHead, GridLevel } from "./detections";
import { InferenceOutputs, responseOutputs, type ReportedKind, type V2Output } from "./InferenceOutputs";
import { readLabelFile } from "./labels";
import { parseNumpyFile } from "./npy";
import { DEFAULT_IMAGE_SIDE, DEFAULT_PREPROCESSING, findImageInput, imageTensor, type Preprocessing } from "./preprocessing";
import {
  binaryRequest,
  canSendBinary,
  castTensor,
  elementCount,
  generateTensor,
  isBytesTensor,
  jsonRequest,
  type Fill,
  type Tensor,
} from "./tensors";
import { exampleShape, v2Datatype } from "./snippets";
import { TextInput } from "./TextInput";

// A request body a person can still read and edit in a text box; larger ones are generated or uploaded.
const MAX_EDITABLE_ELEMENTS = 4096;
// Above this many bytes of tensor data, "auto" sends the binary tensor extension: JSON costs the
// engine about 8x the bytes and a parse into Python floats (deploy/serving/binary.py).
const BINARY_FROM_BYTES = 64 * 1024;
// The engine refuses bodies over WHETSTONE_MAX_REQUEST_MB (256 MB by default); a browser tab
// building a JSON body that large would stall first, so JSON stops well before.
export const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;
const MAX_SHOWN_RESPONSE = 200_000;

/** A V2 request with every input filled (zeros, or false/"" for BOOL/BYTES) at its example shape. */
export function inferenceRequestFor(inputs: TensorSpec[]) {
  return {
    inputs: inputs.map((input) => {
      const shape = exampleShape(Array.isArray(input.shape) ? input.shape : []);
      const datatype = v2Datatype(input.dtype);
      const fill = datatype === "BOOL" ? false : datatype === "BYTES" ? "" : 0;
      return { name: input.name, shape, datatype, data: Array.from({ length: elementCount(shape) }, () => fill) };
    }),
  };
}

/** One line per tensor: readable in a text box, and valid JSON as it stands. */
export function formatRequest(request: { inputs: unknown[] }): string {
  return `{"inputs": [\n${request.inputs.map((input) => `  ${JSON.stringify(input)}`).join(",\n")}\n]}`;
}

export type InferenceAnswer = {
  status: number;
  ok: boolean;
  body: string;
  outputs: V2Output[] | null;
  elapsedMs: number;
  sentAs: "JSON" | "binary";
  sentBytes: number;
};

export type InferenceBody = { kind: "json"; text: string } | { kind: "binary"; bytes: Uint8Array; headerLength: number };

/** The engine is on another origin; it answers the console's origin through CORS (SERVING_CORS_ORIGINS). */
export async function sendInference(url: string, body: InferenceBody, token: string): Promise<InferenceAnswer> {
  const headers: Record<string, string> =
    body.kind === "json"
      ? { "Content-Type": "application/json" }
      : { "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": String(body.headerLength) };
  if (token.trim()) headers.Authorization = `Bearer ${token.trim()}`;
  const payload = body.kind === "json" ? body.text : body.bytes;
  const started = performance.now();
  let response: Response;
  try {
    response = await globalThis.fetch(
      new Request(url, { method: "POST", headers, body: payload as BodyInit, mode: "cors", credentials: "omit" }),
    );
  } catch {
    throw new Error(
      "The endpoint did not answer the browser. It may be down, or it does not allow this origin (CORS: set SERVING_CORS_ORIGINS on the serving engine).",
    );
  }
  const text = await response.text();
  let pretty = text;
  let outputs: V2Output[] | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    pretty = JSON.stringify(parsed, null, 2);
    outputs = response.ok ? responseOutputs(parsed) : null;
  } catch {
    // Not JSON: show it as it came.
  }
  return {
    status: response.status,
    ok: response.ok,
    // A 1x21x512x512 segmentation map is megabytes of text; the page shows the start of it.
    body: pretty.length > MAX_SHOWN_RESPONSE ? `${pretty.slice(0, MAX_SHOWN_RESPONSE)}\n… ${pretty.length - MAX_SHOWN_RESPONSE} more characters` : pretty,
    outputs,
    elapsedMs: performance.now() - started,
    sentAs: body.kind === "json" ? "JSON" : "binary",
    sentBytes: typeof payload === "string" ? new TextEncoder().encode(payload).byteLength : payload.byteLength,
  };
}

type Source = "generated" | "image" | "file" | "json" | "text";
type Encoding = "auto" | "json" | "binary";

function parseShape(text: string): number[] | null {
  const dims = text.split(/[,x×\s]+/).filter(Boolean).map(Number);
  return dims.every((dim) => Number.isInteger(dim) && dim >= 0) ? dims : null;
}

/**
 * The uploaded arrays matched to the model's inputs: by name (np.savez(x=...)), else in order
 * when the file's names are numpy's own (arr_0, ...) or a lone .npy for a one-input model.
 * Floats of another width are cast to what the signature says, as numpy's astype would.
 */
export function matchArrays(arrays: Tensor[], inputs: TensorSpec[]): { tensors: Tensor[]; notes: string[] } {
  const byName = new Map(arrays.map((array) => [array.name, array]));
  const positional = arrays.every((array, i) => array.name === `arr_${i}`) || (arrays.length === 1 && inputs.length === 1);
  const notes: string[] = [];
  const used = new Set<Tensor>();
  const tensors = inputs.map((input, i) => {
    const array = byName.get(input.name) ?? (positional ? arrays[i] : undefined);
    if (array) used.add(array);
    if (!array) {
      throw new Error(
        `the file has no array for input "${input.name}" (it has ${arrays.map((a) => `"${a.name}"`).join(", ")}); ` +
          `save it with np.savez(file, ${inputs.map((spec) => `${spec.name}=...`).join(", ")})`,
      );
    }
    const datatype = v2Datatype(input.dtype);
    let tensor: Tensor = { ...array, name: input.name };
    if (tensor.datatype !== datatype) {
      if (isBytesTensor(tensor) || datatype === "BYTES") {
        throw new Error(`input "${input.name}" takes ${datatype}; the file's array "${array.name}" is ${array.datatype}`);
      }
      notes.push(`"${array.name}" converted from ${tensor.datatype} to ${datatype} for input "${input.name}".`);
      tensor = castTensor(tensor, datatype);
    }
    return tensor;
  });
  for (const array of arrays) {
    if (!used.has(array)) notes.push(`"${array.name}" is not an input of this model and is not sent.`);
  }
  return { tensors, notes };
}

/** What to send: JSON when asked or small, the binary extension when asked or large. */
export function encodeTensors(tensors: Tensor[], encoding: Encoding): InferenceBody {
  const dataBytes = tensors.reduce(
    (sum, tensor) => sum + (isBytesTensor(tensor) ? tensor.strings.length * 4 : tensor.bytes.byteLength),
    0,
  );
  const binaryPossible = canSendBinary(tensors);
  if (encoding === "binary" && !binaryPossible) {
    throw new Error("BF16 inputs cannot go binary (the serving engine reads BF16 only as JSON); choose JSON");
  }
  if (encoding === "binary" || (encoding === "auto" && binaryPossible && dataBytes > BINARY_FROM_BYTES)) {
    const { body, headerLength } = binaryRequest(tensors);
    return { kind: "binary", bytes: body, headerLength };
  }
  // A float32 value is up to ~12 characters of JSON; refuse before building a body the tab cannot hold.
  if (dataBytes * 3 > MAX_JSON_BODY_BYTES) {
    throw new Error(
      `the inputs are ${formatBytes(dataBytes)}: too large to send as JSON from the browser ` +
        `(limit ${formatBytes(MAX_JSON_BODY_BYTES)} of JSON); send them binary`,
    );
  }
  return { kind: "json", text: jsonRequest(tensors) };
}

/** A chosen file's contents, through FileReader, which every browser (and jsdom) has. */
function readBytes(file: File): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsArrayBuffer(file);
  });
}

type ReportedVerdict = {
  kind?: string | null;
  score_rows?: number[] | null;
  anchors_first?: boolean | null;
  objectness?: boolean | null;
  grid?: number[][] | null;
};

/** A report's grid, where every level is [height, width, stride] in positive whole numbers. */
function gridOf(grid: ReportedVerdict["grid"]): GridLevel[] | undefined {
  if (!Array.isArray(grid) || grid.length === 0) return undefined;
  const valid = grid.every((level) => Array.isArray(level) && level.length === 3 && level.every((v) => Number.isInteger(v) && v > 0));
  return valid ? (grid as GridLevel[]) : undefined;
}

/** Each output's kind as the served job's report judged it (compiler_core/output_kinds.py), with the
 * layout it read a one-output detection head by. */
export function outputKindsOf(job: Job | undefined): Record<string, ReportedKind> {
  const report = job?.report as { accuracy?: { per_output?: Record<string, ReportedVerdict> | null } } | null;
  const kinds: Record<string, ReportedKind> = {};
  for (const [name, verdict] of Object.entries(report?.accuracy?.per_output ?? {})) {
    if (!verdict || typeof verdict.kind !== "string") continue;
    const rows = verdict.score_rows;
    const head: DetectionHead | undefined =
      Array.isArray(rows) && rows.length === 2
        ? { scoreRows: [rows[0]!, rows[1]!], anchorsFirst: verdict.anchors_first === true, objectness: verdict.objectness === true }
        : undefined;
    // Raw boxes whose grid cannot be read are not drawn: an empty grid fits no head.
    if (head && verdict.grid != null) head.grid = gridOf(verdict.grid) ?? [];
    kinds[name] = { kind: verdict.kind, ...(head ? { head } : {}) };
  }
  return kinds;
}

function labelsStorageKey(key: string) {
  return `whetstone.labels.${key}`;
}

function storedLabels(key: string): string[] {
  try {
    const stored = globalThis.localStorage?.getItem(labelsStorageKey(key));
    return stored ? (JSON.parse(stored) as string[]) : [];
  } catch {
    return [];
  }
}

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The form's summary line: whose labels name the classes. */
function labelsInUse(inBrowser: number, onModel: number): string {
  if (inBrowser) return `${inBrowser} loaded in this browser`;
  if (onModel) return `${onModel} saved on the model`;
  return "optional";
}

export function TestInferenceForm({
  endpointUrl,
  inputs,
  tokenRequired,
  initialToken,
  ready,
  labelsKey,
  savedLabels = null,
  text,
  preprocessing = null,
  jobId,
}: {
  endpointUrl: string;
  inputs: TensorSpec[];
  tokenRequired: boolean;
  initialToken: string | null;
  ready: boolean;
  /** Where the class labels a user loads are remembered (per model), in this browser. */
  labelsKey?: string;
  /** The labels saved on the model; a label file loaded in this browser takes their place here. */
  savedLabels?: string[] | null;
  /** Offered when the served version has a tokenizer and token-id inputs: text, tokenized on the server. */
  text?: { deploymentId: number; tokenizer: TokenizerSummary } | null;
  /** The model's saved image preprocessing; null: none saved (the defaults apply). */
  preprocessing?: Preprocessing | null;
  /** The job whose package is served: its report says each output's kind (`detections` draws boxes). */
  jobId?: number;
}) {
  const ids = useId();
  const exampleElements = inferenceRequestFor(inputs).inputs.reduce((sum, input) => sum + input.data.length, 0);
  const [source, setSource] = useState<Source>(text ? "text" : "generated");
  const [textTensors, setTextTensors] = useState<Tensor[] | null>(null);
  const [shapes, setShapes] = useState(() =>
    inputs.map((input) => exampleShape(Array.isArray(input.shape) ? input.shape : []).join(", ")),
  );
  const [fill, setFill] = useState<Fill>("random");
  const [encoding, setEncoding] = useState<Encoding>("auto");
  const [body, setBody] = useState(() =>
    exampleElements <= MAX_EDITABLE_ELEMENTS ? formatRequest(inferenceRequestFor(inputs)) : "",
  );
  const [file, setFile] = useState<{ name: string; tensors: Tensor[]; notes: string[] } | null>(null);
  const [token, setToken] = useState(initialToken ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const [browserLabels, setBrowserLabels] = useState<string[]>(() => (labelsKey ? storedLabels(labelsKey) : []));
  const saved = savedLabels ?? [];
  const labels = browserLabels.length ? browserLabels : saved;
  const [image, setImage] = useState<ImageValue>({
    picture: null,
    height: String(DEFAULT_IMAGE_SIDE),
    width: String(DEFAULT_IMAGE_SIDE),
  });
  // The picture the shown answer was computed from, for drawing detections on it.
  const [sentPicture, setSentPicture] = useState<SentPicture | null>(null);
  const imageInput = findImageInput(inputs, preprocessing);
  // The saved settings, or the defaults with the layout the input's shape shows.
  const applied: Preprocessing = imageInput
    ? { ...(preprocessing ?? DEFAULT_PREPROCESSING), layout: imageInput.geometry.layout }
    : (preprocessing ?? DEFAULT_PREPROCESSING);
  const infer = useMutation({ mutationFn: (request: InferenceBody) => sendInference(endpointUrl, request, token) });
  // The report is read only once an answer holds a rank-3 output, the only rank a detection head has.
  const servedJob = useJob(jobId ?? 0, {
    enabled: jobId != null && Boolean(infer.data?.outputs?.some((output) => output.shape.length === 3)),
  });
  const outputKinds = outputKindsOf(servedJob.data);

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    setFile(null);
    if (!chosen) return;
    try {
      const arrays = await parseNumpyFile(new Uint8Array(await readBytes(chosen)), chosen.name);
      setFile({ name: chosen.name, ...matchArrays(arrays, inputs) });
      setProblem(null);
    } catch (error) {
      setProblem(`${chosen.name}: ${(error as Error).message}`);
    }
  }

  async function chooseLabels(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    try {
      const parsed = await readLabelFile(chosen);
      setBrowserLabels(parsed);
      if (labelsKey) globalThis.localStorage?.setItem(labelsStorageKey(labelsKey), JSON.stringify(parsed));
    } catch (error) {
      setProblem((error as Error).message);
    }
  }

  function forgetLabels() {
    setBrowserLabels([]);
    if (labelsKey) globalThis.localStorage?.removeItem(labelsStorageKey(labelsKey));
  }

  function buildImageRequest(): { body: InferenceBody; picture: SentPicture } {
    if (!imageInput) throw new Error("No input of this model takes a 3-channel picture.");
    const picture = image.picture;
    if (!picture) throw new Error("Choose a picture first.");
    const size = targetSize(imageInput.geometry, image);
    const tensors = inputs.map((input, i) => {
      const datatype = v2Datatype(input.dtype);
      if (i === imageInput.index) return imageTensor(input.name, datatype, picture.image, size, applied, imageInput.geometry.batch);
      return generateTensor(input.name, datatype, exampleShape(Array.isArray(input.shape) ? input.shape : []), "zeros");
    });
    const { width, height } = picture.image;
    return {
      body: encodeTensors(tensors, encoding),
      picture: { url: picture.url, width, height, inputWidth: size.width, inputHeight: size.height },
    };
  }

  function buildRequest(): InferenceBody {
    if (source === "json") {
      try {
        JSON.parse(body);
      } catch (error) {
        throw new Error(`The request is not valid JSON: ${(error as Error).message}`);
      }
      return { kind: "json", text: body };
    }
    if (source === "text") {
      if (!textTensors) throw new Error("Type a text, and send it once its tokens are shown.");
      return encodeTensors(textTensors, encoding);
    }
    if (source === "file") {
      if (!file) throw new Error("Choose an .npy or .npz file first.");
      return encodeTensors(file.tensors, encoding);
    }
    const tensors = inputs.map((input, i) => {
      const shape = parseShape(shapes[i] ?? "");
      if (!shape) throw new Error(`The shape of input "${input.name}" must be whole numbers, such as 1, 3, 224, 224.`);
      return generateTensor(input.name, v2Datatype(input.dtype), shape, fill);
    });
    return encodeTensors(tensors, encoding);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    let request: InferenceBody;
    let picture: SentPicture | null = null;
    try {
      if (source === "image") ({ body: request, picture } = buildImageRequest());
      else request = buildRequest();
    } catch (error) {
      setProblem((error as Error).message);
      return;
    }
    setProblem(null);
    infer.mutate(request, { onSuccess: () => setSentPicture(picture) });
  }

  return (
    <form className="card infer-form" onSubmit={submit} aria-labelledby="infer-title" data-testid="infer-form">
      <h3 id="infer-title">Try an inference</h3>
      <fieldset className="infer-source">
        <legend>Inputs</legend>
        {(
          [
            ...(text ? ([["text", "Text (tokenized)"]] as const) : []),
            ["generated", "Generated values"],
            ["image", "Picture"],
            ["file", "NumPy file (.npy, .npz)"],
            ["json", "V2 request (JSON)"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="inline">
            <input
              type="radio"
              name={`${ids}-source`}
              value={value}
              checked={source === value}
              onChange={() => {
                setSource(value);
                setProblem(null);
              }}
            />{" "}
            {label}
          </label>
        ))}
      </fieldset>

      {source === "text" && text && (
        <TextInput deploymentId={text.deploymentId} tokenizer={text.tokenizer} onTensors={setTextTensors} />
      )}

      {source === "generated" && (
        <div data-testid="infer-generated">
          <p className="hint">At the signature's shapes (symbolic dims set to 1); change a shape to try another.</p>
          {inputs.map((input, i) => (
            <div key={input.name} className="infer-shape">
              <label htmlFor={`${ids}-shape-${i}`}>
                Shape of <code>{input.name}</code> ({v2Datatype(input.dtype)})
              </label>
              <input
                id={`${ids}-shape-${i}`}
                value={shapes[i] ?? ""}
                inputMode="numeric"
                onChange={(event) => setShapes((old) => old.map((text, j) => (j === i ? event.target.value : text)))}
              />
            </div>
          ))}
          <label htmlFor={`${ids}-fill`}>Values</label>
          <select id={`${ids}-fill`} value={fill} onChange={(event) => setFill(event.target.value as Fill)}>
            <option value="random">Random (floats in [0, 1), integers 0–9)</option>
            <option value="zeros">Zeros</option>
            <option value="ones">Ones</option>
          </select>
        </div>
      )}

      {source === "image" &&
        (imageInput ? (
          <>
            <ImageInput
              input={imageInput.input}
              geometry={imageInput.geometry}
              preprocessing={applied}
              saved={preprocessing !== null}
              value={image}
              onChange={setImage}
              onProblem={setProblem}
            />
            {inputs.length > 1 && (
              <p className="hint">The model's other inputs are sent as zeros at the signature's shapes.</p>
            )}
          </>
        ) : (
          <p className="hint" data-testid="infer-image">
            No input of this model takes a 3-channel picture: one needs 4 dims with 3 channels where the layout
            {preprocessing ? ` saved on the model (${preprocessing.layout})` : " (NCHW or NHWC)"} puts them.
          </p>
        ))}

      {source === "file" && (
        <div data-testid="infer-file">
          <label htmlFor={`${ids}-file`}>Array file</label>
          <input id={`${ids}-file`} type="file" accept=".npy,.npz" onChange={(event) => void chooseFile(event)} />
          <p className="hint">
            One .npy for a one-input model, or an .npz with an array per input, named after it:{" "}
            <code>np.savez("inputs.npz", {inputs.map((input) => `${input.name}=...`).join(", ")})</code>.
          </p>
          {file && (
            <ul className="plain-list" data-testid="infer-file-arrays">
              {file.tensors.map((tensor) => (
                <li key={tensor.name}>
                  <code>{tensor.name}</code> [{tensor.shape.join(", ")}] {tensor.datatype}
                </li>
              ))}
              {file.notes.map((note) => (
                <li key={note} className="hint">
                  {note}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {source === "json" && (
        <>
          <label htmlFor="infer-body">V2 request (JSON)</label>
          <textarea
            id="infer-body"
            rows={8}
            spellCheck={false}
            value={body}
            placeholder={`{"inputs": [{"name": "${inputs[0]?.name ?? "x"}", "shape": [...], "datatype": "FP32", "data": [...]}]}`}
            onChange={(event) => setBody(event.target.value)}
          />
          <p className="hint">Sent as it is.</p>
        </>
      )}

      {source !== "json" && (
        <>
          <label htmlFor={`${ids}-encoding`}>Send as</label>
          <select id={`${ids}-encoding`} value={encoding} onChange={(event) => setEncoding(event.target.value as Encoding)}>
            <option value="auto">Automatic (binary above {formatBytes(BINARY_FROM_BYTES)})</option>
            <option value="json">JSON</option>
            <option value="binary">Binary tensor data</option>
          </select>
        </>
      )}

      <details className="infer-labels">
        <summary>Class labels ({labelsInUse(browserLabels.length, saved.length)})</summary>
        <p className="hint" data-testid="infer-labels-in-use">
          {browserLabels.length > 0
            ? `Using ${plural(browserLabels.length, "label")} loaded in this browser` +
              (saved.length ? `, in place of the ${saved.length} saved on the model.` : ".")
            : saved.length > 0
              ? `Using ${plural(saved.length, "label")} saved on the model. A label file loaded here replaces them in this browser.`
              : "None saved on the model: load a label file to name the top classes (kept in this browser for this model)."}
        </p>
        <label htmlFor={`${ids}-labels`}>Label file: one label per line, or a JSON list</label>
        <input id={`${ids}-labels`} type="file" accept=".txt,.json,.csv" onChange={(event) => void chooseLabels(event)} />
        {browserLabels.length > 0 && (
          <button type="button" onClick={forgetLabels}>
            {saved.length ? "Forget this browser's labels" : "Forget labels"}
          </button>
        )}
      </details>

      {problem && (
        <p id="infer-body-error" className="field-errors" role="alert" data-testid="infer-json-error">
          {problem}
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
            HTTP {infer.data.status} · {infer.data.elapsedMs.toFixed(0)} ms · sent {formatBytes(infer.data.sentBytes)} as{" "}
            {infer.data.sentAs}
          </p>
          {infer.data.outputs && (
            <InferenceOutputs outputs={infer.data.outputs} labels={labels} picture={sentPicture} outputKinds={outputKinds} />
          )}
          {infer.data.outputs ? (
            <details>
              <summary>Raw response</summary>
              <pre className="infer-response" data-testid="infer-response" tabIndex={0}>
                {infer.data.body}
              </pre>
            </details>
          ) : (
            <pre className="infer-response" data-testid="infer-response" tabIndex={0}>
              {infer.data.body}
            </pre>
          )}
        </div>
      )}
    </form>
  );
}
