import { useState, type FormEvent } from "react";
import { useAttachTokenizer, useRemoveTokenizer } from "../api/queries";
import type { TokenizerSummary } from "../api/types";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { UploadActions } from "../components/UploadActions";
import { formatBytes } from "../format/numbers";

/**
 * A model version's tokenizer.json: what is attached, and (for those who may edit the model)
 * upload one to attach or replace it, or remove it. With it, a deployment's try-it form takes text.
 */
export function TokenizerSection({
  modelId,
  versionNumber,
  tokenizer,
  canEdit,
  unavailableReason,
}: {
  modelId: number;
  versionNumber: number;
  tokenizer: TokenizerSummary | null | undefined;
  canEdit: boolean;
  unavailableReason: string | null;
}) {
  const attach = useAttachTokenizer(modelId, versionNumber);
  const remove = useRemoveTokenizer(modelId, versionNumber);
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0); // a new key empties the file input after an upload

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    remove.reset();
    attach.mutate(file, {
      onSuccess: () => {
        setFile(null);
        setInputKey((key) => key + 1);
      },
    });
  }

  return (
    <div data-testid="tokenizer">
      <p className="hint">
        A Hugging Face <code>tokenizer.json</code> (what <code>tokenizer.save()</code> writes, beside a model&apos;s
        weights). It is read as data, never run. With it, deployments of v{versionNumber} take text in the try-it form,
        and <code>POST …/tokenize/</code> turns text into the token ids and attention mask the model takes.
      </p>
      {tokenizer ? (
        <p data-testid="tokenizer-summary">
          <code>{tokenizer.name}</code> attached to v{versionNumber}: {tokenizer.kind},{" "}
          {tokenizer.vocab_size.toLocaleString("en")} tokens, {formatBytes(tokenizer.size_bytes)}
          {tokenizer.pad_token ? `, pads with ${tokenizer.pad_token}` : ""}.
        </p>
      ) : (
        <p data-testid="tokenizer-summary">No tokenizer attached to v{versionNumber}.</p>
      )}
      {canEdit && !unavailableReason && (
        <form onSubmit={onSubmit} noValidate>
          <label htmlFor="tokenizer-file">{tokenizer ? "Replace the tokenizer" : "Attach a tokenizer"}</label>
          <input
            key={inputKey}
            id="tokenizer-file"
            type="file"
            accept=".json,application/json"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            aria-invalid={fieldHasError(attach.error, "file")}
            aria-describedby="tokenizer-errors"
          />
          <FieldErrors id="tokenizer-errors" error={attach.error} field="file" />
          <FormError error={attach.error ?? remove.error} shownFields={["file"]} />
          <UploadActions
            canUpload={file !== null}
            uploading={attach.isPending}
            attached={Boolean(tokenizer)}
            removing={remove.isPending}
            onRemove={() => {
              attach.reset();
              remove.mutate();
            }}
            testIdPrefix="tokenizer"
          />
        </form>
      )}
      {canEdit && unavailableReason && <p className="hint">{unavailableReason}</p>}
    </div>
  );
}
