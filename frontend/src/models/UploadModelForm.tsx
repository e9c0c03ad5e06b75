import { useRef, useState, type FormEvent } from "react";
import { ApiError, type UploadProgress } from "../api/client";
import { MULTIPART_THRESHOLD } from "../api/multipartUpload";
import { useRegisterModelUri, useUploadModel } from "../api/queries";
import type { ModelDetail } from "../api/types";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { formatBytes } from "../format/numbers";

const REGISTER_FIELDS = ["file", "uri", "name", "description", "tags", "card"];
type Mode = "file" | "uri";

/** Suggests a model name from the file name so the common case is one click. */
function nameFromFile(file: File): string {
  return file.name.replace(/(\.tar)?\.[^.]+$/, "").replace(/[^\w-]+/g, "-");
}

function nameFromUri(uri: string): string {
  const last = uri.split("/").filter(Boolean).pop() ?? "";
  return last.replace(/(\.tar)?\.[^.]+$/, "").replace(/[^\w-]+/g, "-");
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter(Boolean))];
}

/** Checked here so the user hears about a typo before a round trip; the server checks again. */
export function uriProblem(uri: string): string | null {
  if (!uri.trim()) return "Enter the object's URI.";
  if (!/^(s3|oss):\/\/[^/\s]+\/\S+$/.test(uri.trim())) return "Use s3://bucket/key or oss://bucket/key of one object.";
  return null;
}

function progressText(progress: UploadProgress, percent: number): string {
  const amount = `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`;
  if (progress.phase === "hashing") return `Computing the checksum ${percent}% (${amount})`;
  if (progress.phase === "registering" || percent >= 100) return "Uploaded; Whetstone is storing and checking the file…";
  return `Uploading ${percent}% (${amount})`;
}

export function UploadModelForm({ onUploaded }: { onUploaded: (model: ModelDetail) => void }) {
  const upload = useUploadModel();
  const registerUri = useRegisterModelUri();
  const fileInput = useRef<HTMLInputElement>(null);
  const [mode, setMode] = useState<Mode>("file");
  const [file, setFile] = useState<File | null>(null);
  const [uri, setUri] = useState("");
  const [uriTouched, setUriTouched] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const [card, setCard] = useState("");
  const [progress, setProgress] = useState<UploadProgress | null>(null);

  const active = mode === "file" ? upload : registerUri;
  const error = active.error;
  const localUriProblem = mode === "uri" && uriTouched ? uriProblem(uri) : null;

  function reset(model: ModelDetail) {
    setFile(null);
    setUri("");
    setName("");
    setDescription("");
    setTags("");
    setCard("");
    setProgress(null);
    if (fileInput.current) fileInput.current.value = "";
    onUploaded(model);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mode === "file") {
      if (!file) return;
      setProgress({ loaded: 0, total: file.size, phase: file.size >= MULTIPART_THRESHOLD ? "hashing" : "uploading" });
      upload.mutate(
        { file, name, description, tags: parseTags(tags), card, onProgress: setProgress },
        { onSuccess: reset, onError: () => setProgress(null) },
      );
    } else {
      setUriTouched(true);
      if (uriProblem(uri)) return;
      registerUri.mutate({ uri: uri.trim(), name, description, tags: parseTags(tags), card }, { onSuccess: reset });
    }
  }

  const percent = progress && progress.total ? Math.round((progress.loaded / progress.total) * 100) : 0;
  const uriErrors = localUriProblem ? [localUriProblem] : error instanceof ApiError ? error.forField("uri") : [];

  return (
    <form className="card upload-form" onSubmit={submit} aria-labelledby="upload-title" data-testid="upload-form">
      <h2 id="upload-title">Register a model</h2>
      <fieldset className="mode-switch">
        <legend className="visually-hidden">Where the model is</legend>
        <label className="inline-check">
          <input type="radio" name="register-mode" checked={mode === "file"} onChange={() => setMode("file")} />
          Upload a file
        </label>
        <label className="inline-check">
          <input type="radio" name="register-mode" checked={mode === "uri"} onChange={() => setMode("uri")} />
          Object-store URI
        </label>
      </fieldset>
      <FormError error={error} shownFields={REGISTER_FIELDS} />

      {mode === "file" ? (
        <>
          <p className="muted" id="upload-file-hint">
            An ONNX model (.onnx), a TorchScript or PyTorch file (.pt), or an archive (.zip, .tar.gz) of an ONNX model
            with external data or a TensorFlow SavedModel. Whetstone reads its signature and graph statistics on
            upload.
          </p>
          <label htmlFor="upload-file">Model file</label>
          <input
            id="upload-file"
            ref={fileInput}
            type="file"
            accept=".onnx,.pt,.pth,.zip,.tar.gz,.tgz"
            // Not `required`: the submit button stays disabled until a file is chosen, and the
            // native check would block the submit in environments that set files by script.
            aria-required="true"
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen && !name) setName(nameFromFile(chosen));
            }}
            aria-invalid={fieldHasError(error, "file")}
            aria-describedby="upload-file-hint upload-file-errors"
          />
          <FieldErrors id="upload-file-errors" error={error} field="file" />
        </>
      ) : (
        <>
          <label htmlFor="upload-uri">Object URI</label>
          <input
            id="upload-uri"
            value={uri}
            placeholder="s3://bucket/models/resnet50.onnx"
            onChange={(event) => setUri(event.target.value)}
            onBlur={() => {
              setUriTouched(true);
              if (!name && !uriProblem(uri)) setName(nameFromUri(uri));
            }}
            aria-invalid={uriErrors.length > 0}
            aria-describedby="upload-uri-hint upload-uri-errors"
          />
          <p id="upload-uri-hint" className="hint">
            One object in an S3 or OSS bucket the platform can read, outside the ModelHub's own storage.
          </p>
          {uriErrors.length > 0 && (
            <ul id="upload-uri-errors" className="field-errors" data-testid="field-error-uri" role="alert">
              {uriErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </>
      )}

      <label htmlFor="upload-name">Name</label>
      <input
        id="upload-name"
        required
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-invalid={fieldHasError(error, "name")}
        aria-describedby="upload-name-errors"
      />
      <FieldErrors id="upload-name-errors" error={error} field="name" />

      <label htmlFor="upload-description">Description</label>
      <textarea
        id="upload-description"
        rows={2}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        aria-invalid={fieldHasError(error, "description")}
        aria-describedby="upload-description-errors"
      />
      <FieldErrors id="upload-description-errors" error={error} field="description" />

      <label htmlFor="upload-tags">Tags</label>
      <input
        id="upload-tags"
        value={tags}
        placeholder="vision, int8-candidate"
        onChange={(event) => setTags(event.target.value)}
        aria-invalid={fieldHasError(error, "tags")}
        aria-describedby="upload-tags-hint upload-tags-errors"
      />
      <p id="upload-tags-hint" className="hint">
        Comma-separated.
      </p>
      <FieldErrors id="upload-tags-errors" error={error} field="tags" />

      <details className="card-field">
        <summary>Model card (Markdown, optional)</summary>
        <label htmlFor="upload-card">Model card</label>
        <textarea
          id="upload-card"
          rows={5}
          value={card}
          placeholder={"# My model\n\nWhat it does, its data, its limits."}
          onChange={(event) => setCard(event.target.value)}
          aria-invalid={fieldHasError(error, "card")}
          aria-describedby="upload-card-errors"
        />
        <FieldErrors id="upload-card-errors" error={error} field="card" />
      </details>

      {mode === "file" && progress && (
        <div className="upload-progress" data-testid="upload-progress">
          <progress
            max={100}
            value={percent}
            aria-label={progress.phase === "hashing" ? "Checksum progress" : "Upload progress"}
          />
          <p className="hint" aria-live="polite">
            {progressText(progress, percent)}
          </p>
        </div>
      )}

      <button
        type="submit"
        className="primary"
        disabled={(mode === "file" ? !file : !uri.trim()) || active.isPending}
      >
        {active.isPending ? (mode === "file" ? "Uploading…" : "Registering…") : mode === "file" ? "Upload" : "Register"}
      </button>
    </form>
  );
}
