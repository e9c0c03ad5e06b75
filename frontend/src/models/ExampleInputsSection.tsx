import { useState, type FormEvent } from "react";
import { useRemoveExampleInputs, useReplaceExampleInputs } from "../api/queries";
import type { ExampleInputs } from "../api/types";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { UploadActions } from "../components/UploadActions";
import { formatBytes } from "../format/numbers";

function shapeText(shapes: Record<string, number[]>): string {
  return Object.entries(shapes)
    .map(([name, dims]) => `${name} [${dims.join(", ")}]`)
    .join(", ");
}

/**
 * A model version's example inputs: what is attached, and (for those who may edit the model)
 * upload to replace them, or remove them. Jobs that bring no calibration data use them.
 */
export function ExampleInputsSection({
  modelId,
  versionNumber,
  examples,
  canEdit,
  unavailableReason,
}: {
  modelId: number;
  versionNumber: number;
  examples: ExampleInputs | undefined;
  canEdit: boolean;
  unavailableReason: string | null;
}) {
  const replace = useReplaceExampleInputs(modelId, versionNumber);
  const remove = useRemoveExampleInputs(modelId, versionNumber);
  const [files, setFiles] = useState<File[]>([]);
  const [inputKey, setInputKey] = useState(0); // a new key empties the file input after an upload
  const count = examples?.count ?? 0;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (files.length === 0) return;
    remove.reset();
    replace.mutate(files, {
      onSuccess: () => {
        setFiles([]);
        setInputKey((key) => key + 1);
      },
    });
  }

  return (
    <div data-testid="example-inputs">
      <p className="hint">
        Batches of real inputs (.npz files, each one batch of arrays named like the model&apos;s inputs). Jobs of v
        {versionNumber} that bring no calibration data use them for the accuracy check, INT8 calibration and the shape
        they measure first. A model that rejects inputs generated from its signature (a shape tensor, indices) needs
        them.
      </p>
      {count === 0 ? (
        <p data-testid="example-inputs-summary">No example inputs attached to v{versionNumber}.</p>
      ) : (
        <>
          <p data-testid="example-inputs-summary">
            {count} {count === 1 ? "batch" : "batches"} ({formatBytes(examples?.size_bytes)}) attached to v{versionNumber}.
          </p>
          <ul className="plain-list" aria-label="Example input shapes">
            {(examples?.shapes ?? []).map((shapes) => (
              <li key={shapeText(shapes)} className="mono" data-testid="example-inputs-shape">
                {shapeText(shapes)}
              </li>
            ))}
          </ul>
        </>
      )}
      {canEdit && !unavailableReason && (
        <form onSubmit={onSubmit} noValidate>
          <label htmlFor="example-inputs-files">{count === 0 ? "Attach example inputs" : "Replace example inputs"}</label>
          <input
            key={inputKey}
            id="example-inputs-files"
            type="file"
            multiple
            accept=".npz"
            onChange={(event) => setFiles(Array.from(event.target.files ?? []))}
            aria-invalid={fieldHasError(replace.error, "files")}
            aria-describedby="example-inputs-errors"
          />
          <FieldErrors id="example-inputs-errors" error={replace.error} field="files" />
          <FormError error={replace.error ?? remove.error} shownFields={["files"]} />
          <UploadActions
            canUpload={files.length > 0}
            uploading={replace.isPending}
            attached={count > 0}
            removing={remove.isPending}
            onRemove={() => {
              replace.reset();
              remove.mutate();
            }}
            testIdPrefix="example-inputs"
          />
        </form>
      )}
      {canEdit && unavailableReason && <p className="hint">{unavailableReason}</p>}
    </div>
  );
}
