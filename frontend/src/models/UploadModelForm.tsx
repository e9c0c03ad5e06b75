import { useRef, useState, type FormEvent } from "react";
import { useUploadModel } from "../api/queries";
import type { Model } from "../api/types";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";

const UPLOAD_FIELDS = ["file", "name", "description"];

/** Suggests a model name from the file name so the common case is one click. */
function nameFromFile(file: File): string {
  return file.name.replace(/(\.tar)?\.[^.]+$/, "").replace(/[^\w-]+/g, "-");
}

export function UploadModelForm({ onUploaded }: { onUploaded: (model: Model) => void }) {
  const upload = useUploadModel();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    upload.mutate(
      { file, name, description },
      {
        onSuccess: (model) => {
          setFile(null);
          setName("");
          setDescription("");
          if (fileInput.current) fileInput.current.value = "";
          onUploaded(model);
        },
      },
    );
  }

  return (
    <form className="card upload-form" onSubmit={submit} aria-labelledby="upload-title" data-testid="upload-form">
      <h2 id="upload-title">Register a model</h2>
      <p className="muted" id="upload-file-hint">
        An ONNX model (.onnx), a TorchScript or PyTorch file (.pt), or an archive (.zip, .tar.gz) of an ONNX model
        with external data or a TensorFlow SavedModel. Whetstone reads its signature and graph statistics on upload.
      </p>
      <FormError error={upload.error} shownFields={UPLOAD_FIELDS} />

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
        aria-invalid={fieldHasError(upload.error, "file")}
        aria-describedby="upload-file-hint upload-file-errors"
      />
      <FieldErrors id="upload-file-errors" error={upload.error} field="file" />

      <label htmlFor="upload-name">Name</label>
      <input
        id="upload-name"
        required
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-invalid={fieldHasError(upload.error, "name")}
        aria-describedby="upload-name-errors"
      />
      <FieldErrors id="upload-name-errors" error={upload.error} field="name" />

      <label htmlFor="upload-description">Description</label>
      <textarea
        id="upload-description"
        rows={2}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        aria-invalid={fieldHasError(upload.error, "description")}
        aria-describedby="upload-description-errors"
      />
      <FieldErrors id="upload-description-errors" error={upload.error} field="description" />

      <button type="submit" className="primary" disabled={!file || upload.isPending}>
        {upload.isPending ? "Uploading…" : "Upload"}
      </button>
    </form>
  );
}
