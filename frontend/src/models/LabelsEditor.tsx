// The model's class labels, as its owner edits them in the Edit model form: the names "Try an
// inference" shows beside the top classes (platform/modelhub/labels.py has the rules the API checks).
import { useId, useState, type ChangeEvent } from "react";
import { FieldErrors, fieldHasError } from "../components/FormErrors";
import { describeLabels, readLabelFile } from "../deployments/labels";

export function sameLabels(a: string[] | null, b: string[] | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

export function LabelsEditor({
  labels,
  onChange,
  error,
}: {
  /** The labels the form will save; null: none. */
  labels: string[] | null;
  onChange: (labels: string[] | null) => void;
  /** The API's answer to the last save: its `labels` messages are shown here. */
  error: unknown;
}) {
  const ids = useId();
  const [problem, setProblem] = useState<string | null>(null);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const chosen = input.files?.[0];
    if (!chosen) return;
    try {
      onChange(await readLabelFile(chosen));
      setProblem(null);
    } catch (reason) {
      setProblem((reason as Error).message);
    }
    input.value = ""; // choosing the same file again reads it again
  }

  return (
    <fieldset className="labels-editor" data-testid="labels-editor">
      <legend>Class labels</legend>
      <p className="hint">
        Names for the classes of a class-score output (line i names class i), shown beside the top classes in “Try an
        inference”.
      </p>
      <p data-testid="labels-summary" className={labels ? undefined : "hint"}>
        {labels ? describeLabels(labels) : "None saved."}
      </p>
      <label htmlFor={`${ids}-file`}>{labels ? "Replace with a label file" : "Label file"} (one label per line, or a JSON list)</label>
      <input
        id={`${ids}-file`}
        type="file"
        accept=".txt,.json,.csv"
        onChange={(event) => void choose(event)}
        aria-invalid={Boolean(problem) || fieldHasError(error, "labels")}
        aria-describedby={`${ids}-problem model-labels-errors`}
      />
      {problem && (
        <p className="field-errors" id={`${ids}-problem`} role="alert" data-testid="labels-problem">
          {problem}
        </p>
      )}
      {labels && (
        <div className="button-row">
          <button type="button" onClick={() => onChange(null)}>
            Remove labels
          </button>
        </div>
      )}
      <FieldErrors id="model-labels-errors" error={error} field="labels" />
    </fieldset>
  );
}
