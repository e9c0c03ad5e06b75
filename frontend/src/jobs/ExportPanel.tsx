import { useState } from "react";
import { useKServeManifest, useTritonExport } from "../api/queries";
import type { Job } from "../api/types";
import { CopyableSnippet } from "../components/CopyableSnippet";
import { FormError } from "../components/FormErrors";

/** The package for other servers: a Triton model repository written beside it in object
 * storage, and a KServe InferenceService that serves it from there. */
export function ExportPanel({ job }: { job: Job }) {
  const [name, setName] = useState("");
  const triton = useTritonExport(job.id);
  const kserve = useKServeManifest(job.id);
  return (
    <section aria-labelledby="exports-title" id="exports">
      <h2 id="exports-title">Export for other servers</h2>
      <div className="actions">
        <label>
          Name{" "}
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="the model's name"
            aria-describedby="export-name-help"
          />
        </label>
        <button type="button" disabled={triton.isPending} onClick={() => triton.mutate({ name })}>
          {triton.isPending ? "Writing…" : "Write Triton repository"}
        </button>
        <button type="button" disabled={kserve.isPending} onClick={() => kserve.mutate(name)}>
          KServe manifest
        </button>
      </div>
      <p id="export-name-help" className="muted">
        Letters, digits and “-” (lowercase for KServe); left empty, the model&apos;s name is used.
      </p>
      <FormError error={triton.error} shownFields={[]} />
      {triton.data && (
        <div data-testid="triton-export">
          <p>
            Triton model <strong>{triton.data.name}</strong>: start Triton with{" "}
            {/* An object-store address has no break of its own; on a phone it wraps anywhere. */}
            <code className="break" data-testid="triton-repository">
              --model-repository={triton.data.model_repository}
            </code>
          </p>
          {triton.data.notes.length > 0 && (
            <ul data-testid="triton-notes">
              {triton.data.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          <CopyableSnippet title="config.pbtxt" code={triton.data.config_pbtxt} testId="triton-config" />
        </div>
      )}
      <FormError error={kserve.error} shownFields={[]} />
      {kserve.data && (
        <CopyableSnippet
          title="InferenceService (kubectl apply -f)"
          code={JSON.stringify(kserve.data, null, 2)}
          testId="kserve-manifest"
        />
      )}
    </section>
  );
}
