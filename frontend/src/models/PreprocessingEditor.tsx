// The model's image preprocessing, as its owner edits it in the Edit model form: what "Try an
// inference" applies to a picture (platform/modelhub/preprocessing.py has the rules the API checks).
import { useId } from "react";
import { FieldErrors, fieldHasError } from "../components/FormErrors";
import {
  DEFAULT_PREPROCESSING,
  describePreprocessing,
  formatScale,
  parseScale,
  parseTriple,
  type Preprocessing,
} from "../deployments/preprocessing";

export type PreprocessingDraft = {
  custom: boolean;
  layout: Preprocessing["layout"];
  color: Preprocessing["color"];
  scale: string;
  mean: string;
  std: string;
};

/** Recipes people train with, to start from. */
const PRESETS: { name: string; value: Preprocessing }[] = [
  { name: "ImageNet (torchvision, timm)", value: DEFAULT_PREPROCESSING },
  { name: "0..1 only", value: { layout: "NCHW", color: "RGB", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] } },
  { name: "−1..1 (Inception, TF)", value: { layout: "NHWC", color: "RGB", scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] } },
  {
    name: "Caffe (BGR, mean pixel)",
    value: { layout: "NCHW", color: "BGR", scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  },
];

function fieldsOf(value: Preprocessing): Omit<PreprocessingDraft, "custom"> {
  return {
    layout: value.layout,
    color: value.color,
    scale: formatScale(value.scale),
    mean: value.mean.join(", "),
    std: value.std.join(", "),
  };
}

export function draftOfPreprocessing(saved: Preprocessing | null | undefined): PreprocessingDraft {
  return { custom: saved != null, ...fieldsOf(saved ?? DEFAULT_PREPROCESSING) };
}

type Parsed = { ok: true; value: Preprocessing | null } | { ok: false; errors: Partial<Record<"scale" | "mean" | "std", string>> };

/** The settings the draft says (null: none saved), or what cannot be read as numbers. Ranges are the API's to check. */
export function parsePreprocessing(draft: PreprocessingDraft): Parsed {
  if (!draft.custom) return { ok: true, value: null };
  const scale = parseScale(draft.scale);
  const mean = parseTriple(draft.mean);
  const std = parseTriple(draft.std);
  const errors: Partial<Record<"scale" | "mean" | "std", string>> = {};
  if (scale === null) errors.scale = "A number, or a fraction such as 1/255.";
  if (!mean) errors.mean = "Three numbers, one per channel, such as 0.485, 0.456, 0.406.";
  if (!std) errors.std = "Three numbers, one per channel, such as 0.229, 0.224, 0.225.";
  if (scale === null || !mean || !std) return { ok: false, errors };
  return { ok: true, value: { layout: draft.layout, color: draft.color, scale, mean, std } };
}

function close(a: number, b: number) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function samePreprocessing(a: Preprocessing | null, b: Preprocessing | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return (
    a.layout === b.layout &&
    a.color === b.color &&
    close(a.scale, b.scale) &&
    a.mean.every((value, i) => close(value, b.mean[i] ?? NaN)) &&
    a.std.every((value, i) => close(value, b.std[i] ?? NaN))
  );
}

export function PreprocessingEditor({
  draft,
  onChange,
  error,
}: {
  draft: PreprocessingDraft;
  onChange: (draft: PreprocessingDraft) => void;
  /** The API's answer to the last save: its `preprocessing` messages are shown here. */
  error: unknown;
}) {
  const ids = useId();
  const parsed = parsePreprocessing(draft);
  const local = parsed.ok ? {} : parsed.errors;
  const set = (field: keyof PreprocessingDraft) => (value: string | boolean) => onChange({ ...draft, [field]: value });
  const text = (field: "scale" | "mean" | "std", label: string) => (
    <>
      <label htmlFor={`${ids}-${field}`}>{label}</label>
      <input
        id={`${ids}-${field}`}
        value={draft[field]}
        onChange={(event) => set(field)(event.target.value)}
        aria-invalid={Boolean(local[field]) || fieldHasError(error, "preprocessing")}
        aria-describedby={`${ids}-${field}-problem model-preprocessing-errors`}
      />
      {local[field] && (
        <p className="field-errors" id={`${ids}-${field}-problem`} data-testid={`preprocessing-problem-${field}`}>
          {local[field]}
        </p>
      )}
    </>
  );
  return (
    <fieldset className="preprocessing-editor" data-testid="preprocessing-editor">
      <legend>Image preprocessing</legend>
      <p className="hint">
        How “Try an inference” turns a picture into this model's input: stretched to the input's height and width, then
        (pixel × scale − mean) ÷ std for each channel.
      </p>
      <label className="inline-check">
        <input type="checkbox" checked={draft.custom} onChange={(event) => set("custom")(event.target.checked)} />
        Save preprocessing for this model
      </label>
      {!draft.custom ? (
        <p className="hint">None saved: the console applies {describePreprocessing(DEFAULT_PREPROCESSING)}.</p>
      ) : (
        <>
          <label htmlFor={`${ids}-preset`}>Start from</label>
          <select
            id={`${ids}-preset`}
            value=""
            onChange={(event) => {
              const preset = PRESETS[Number(event.target.value)];
              if (preset) onChange({ custom: true, ...fieldsOf(preset.value) });
            }}
          >
            <option value="">A common recipe…</option>
            {PRESETS.map((preset, i) => (
              <option key={preset.name} value={i}>
                {preset.name}
              </option>
            ))}
          </select>
          <div className="preprocessing-choices">
            <span>
              <label htmlFor={`${ids}-layout`}>Layout</label>
              <select id={`${ids}-layout`} value={draft.layout} onChange={(event) => set("layout")(event.target.value)}>
                <option value="NCHW">NCHW (channel planes)</option>
                <option value="NHWC">NHWC (channels last)</option>
              </select>
            </span>
            <span>
              <label htmlFor={`${ids}-color`}>Channel order</label>
              <select id={`${ids}-color`} value={draft.color} onChange={(event) => set("color")(event.target.value)}>
                <option value="RGB">RGB</option>
                <option value="BGR">BGR</option>
              </select>
            </span>
          </div>
          {text("scale", "Scale (each 0–255 pixel value is multiplied by it first)")}
          {text("mean", "Mean per channel")}
          {text("std", "Std per channel")}
          {parsed.ok && parsed.value && (
            <p className="hint" data-testid="preprocessing-summary">
              Applies {describePreprocessing(parsed.value)}.
            </p>
          )}
        </>
      )}
      <FieldErrors id="model-preprocessing-errors" error={error} field="preprocessing" />
    </fieldset>
  );
}
