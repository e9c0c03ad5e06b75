import { useState, type FormEvent } from "react";
import { useHardware, useStartOptimization, type Recommendation } from "../api/queries";
import type { Device, Job, OptimizationRequest, Recipe } from "../api/types";
import {
  optimizationRequestBounds,
  optimizationRequestDefaults,
  recipeAccuracyBudgets,
} from "../api/generated/contractDefaults";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";

const RECIPE_CHOICES: { value: Recipe; label: string }[] = [
  { value: "auto", label: "Auto — fastest candidate within the accuracy budget" },
  { value: "lossless", label: "Lossless — fp32, fusion and tuning only" },
  { value: "bf16", label: "BF16 — where the hardware has it" },
  { value: "int8", label: "INT8 — quantized, with fallback of sensitive nodes" },
];
const OPTIMIZE_FIELDS = ["recipe", "accuracy_budget", "shapes", "time_budget_s", "device", "hardware_class", "calibration"];
// The server's defaults and bounds, generated from the request contract (see contractDefaults.ts).
const DEFAULT_BUDGET = String(optimizationRequestDefaults.accuracy_budget);
const BUDGET_BOUNDS = optimizationRequestBounds.accuracy_budget;
const TIME_BUDGET_BOUNDS = optimizationRequestBounds.time_budget_s;
const LOSSLESS_BUDGET = recipeAccuracyBudgets.lossless;

/** Only the fields the user filled in are sent, so the server's defaults apply otherwise. */
export function buildOptimizationRequest(form: {
  recipe: Recipe;
  accuracyBudget: string;
  shapes: string;
  timeBudget: string;
  device: Device;
  hardwareClass?: string;
}): OptimizationRequest {
  const request: OptimizationRequest = { recipe: form.recipe, device: form.device };
  // Empty: the server's default (the serving engines' class). Hardware classes are CPU classes.
  if (form.device === "cpu" && form.hardwareClass) request.hardware_class = form.hardwareClass;
  // The lossless recipe fixes its own (stricter) budget in the compiler core.
  if (form.recipe !== "lossless" && form.accuracyBudget.trim()) request.accuracy_budget = Number(form.accuracyBudget);
  if (form.shapes.trim()) request.shapes = form.shapes.trim();
  if (form.timeBudget.trim()) request.time_budget_s = Number(form.timeBudget);
  return request;
}

/** What `compiler_core inspect` said about each recipe on this worker's hardware. */
function RecipeAdvice({
  recommendations,
  loading,
  recipe,
}: {
  recommendations: Recommendation[];
  loading: boolean;
  recipe: Recipe;
}) {
  if (loading) return <p className="hint">Reading the inspection's advice…</p>;
  if (recommendations.length === 0) return null;
  return (
    <div id="optimize-advice" data-testid="recipe-advice">
      <p className="hint">Advice from the model's inspection:</p>
      <ul className="recommendations">
        {recommendations.map((item) => (
          <li
            key={item.recipe}
            className={item.helps ? "helps" : "no-help"}
            aria-current={item.recipe === recipe ? "true" : undefined}
            data-testid={`advice-${item.recipe}`}
          >
            <strong>{item.recipe.toUpperCase()}</strong> {item.helps ? "will help" : "won’t help"} on this CPU, because{" "}
            {item.why}.
          </li>
        ))}
      </ul>
    </div>
  );
}

export function OptimizeForm({
  modelId,
  dynamicDims,
  recommendations = [],
  recommendationsLoading = false,
  unavailableReason = null,
  onStarted,
}: {
  modelId: number;
  dynamicDims: string[];
  recommendations?: Recommendation[];
  recommendationsLoading?: boolean;
  unavailableReason?: string | null;
  onStarted: (job: Job) => void;
}) {
  const start = useStartOptimization(modelId);
  const [recipe, setRecipe] = useState<Recipe>(optimizationRequestDefaults.recipe);
  const [accuracyBudget, setAccuracyBudget] = useState(DEFAULT_BUDGET);
  const [shapes, setShapes] = useState("");
  const [timeBudget, setTimeBudget] = useState("");
  const [device, setDevice] = useState<Device>(optimizationRequestDefaults.device);
  const [hardwareClass, setHardwareClass] = useState("");
  const hardware = useHardware();
  const classesOnline = (hardware.data ?? []).map((entry) => entry.hardware_class);
  const [calibrationFiles, setCalibrationFiles] = useState<File[]>([]);

  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate(
      { ...buildOptimizationRequest({ recipe, accuracyBudget, shapes, timeBudget, device, hardwareClass }), calibrationFiles },
      { onSuccess: onStarted },
    );
  }

  // The syntax the server checks: values of the dynamic dims (ONNX, torch.export), or, for a model
  // whose file does not say its inputs (TorchScript, which lists no dynamic dims), each input's sizes.
  const shapesHint = dynamicDims.length
    ? `Dynamic dims: ${dynamicDims.join(", ")}. e.g. ${dynamicDims[0]}=1,4,16 (several dims joined by ";")`
    : "Leave empty when the model's input sizes are fixed. A TorchScript model needs each input with its sizes, " +
      "e.g. input:1x3x224x224 or ids:1x128:int64;mask:1x128:int64";

  return (
    <form className="card optimize-form" onSubmit={submit} aria-labelledby="optimize-title" data-testid="optimize-form">
      <h2 id="optimize-title">Optimize</h2>
      <FormError error={start.error} shownFields={OPTIMIZE_FIELDS} />

      <label htmlFor="optimize-recipe">Recipe</label>
      <select
        id="optimize-recipe"
        value={recipe}
        onChange={(event) => setRecipe(event.target.value as Recipe)}
        aria-describedby="optimize-recipe-errors"
      >
        {RECIPE_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <FieldErrors id="optimize-recipe-errors" error={start.error} field="recipe" />
      <RecipeAdvice recommendations={recommendations} loading={recommendationsLoading} recipe={recipe} />

      <label htmlFor="optimize-budget">Accuracy budget (minimum cosine similarity)</label>
      <input
        id="optimize-budget"
        type="number"
        min={BUDGET_BOUNDS.minimum}
        max={BUDGET_BOUNDS.maximum}
        step={0.0001}
        value={recipe === "lossless" ? String(LOSSLESS_BUDGET) : accuracyBudget}
        disabled={recipe === "lossless"}
        onChange={(event) => setAccuracyBudget(event.target.value)}
        aria-invalid={fieldHasError(start.error, "accuracy_budget")}
        aria-describedby="optimize-budget-hint optimize-budget-errors"
      />
      <p id="optimize-budget-hint" className="hint">
        {recipe === "lossless" ? `Lossless keeps fp32 numerics (cosine ≥ ${LOSSLESS_BUDGET}).` : "1.0 means identical outputs."}
      </p>
      <FieldErrors id="optimize-budget-errors" error={start.error} field="accuracy_budget" />

      <label htmlFor="optimize-shapes">Shapes</label>
      <input
        id="optimize-shapes"
        value={shapes}
        onChange={(event) => setShapes(event.target.value)}
        aria-invalid={fieldHasError(start.error, "shapes")}
        aria-describedby="optimize-shapes-hint optimize-shapes-errors"
      />
      <p id="optimize-shapes-hint" className="hint">
        {shapesHint}
      </p>
      <FieldErrors id="optimize-shapes-errors" error={start.error} field="shapes" />

      <label htmlFor="optimize-time-budget">Time budget (seconds)</label>
      <input
        id="optimize-time-budget"
        type="number"
        min={TIME_BUDGET_BOUNDS.minimum}
        max={TIME_BUDGET_BOUNDS.maximum}
        step={1}
        value={timeBudget}
        placeholder="no limit"
        onChange={(event) => setTimeBudget(event.target.value)}
        aria-invalid={fieldHasError(start.error, "time_budget_s")}
        aria-describedby="optimize-time-budget-errors"
      />
      <FieldErrors id="optimize-time-budget-errors" error={start.error} field="time_budget_s" />

      <label htmlFor="optimize-device">Device</label>
      <select
        id="optimize-device"
        value={device}
        onChange={(event) => setDevice(event.target.value as Device)}
        aria-describedby="optimize-device-errors"
      >
        <option value="cpu">CPU</option>
        <option value="gpu">GPU</option>
      </select>
      <FieldErrors id="optimize-device-errors" error={start.error} field="device" />

      {device === "cpu" && (
        <>
          <label htmlFor="optimize-hardware-class">Hardware class</label>
          <select
            id="optimize-hardware-class"
            value={hardwareClass}
            onChange={(event) => setHardwareClass(event.target.value)}
            aria-describedby="optimize-hardware-class-help optimize-hardware-class-errors"
          >
            <option value="">Where it will be served (the serving engines' class)</option>
            {classesOnline.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <p id="optimize-hardware-class-help" className="muted">
            The package is measured on a worker of this class; the job waits until one is online.
          </p>
          <FieldErrors id="optimize-hardware-class-errors" error={start.error} field="hardware_class" />
        </>
      )}

      <label htmlFor="optimize-calibration">Calibration data (optional)</label>
      <input
        id="optimize-calibration"
        type="file"
        multiple
        accept=".npz"
        data-testid="optimize-calibration"
        onChange={(event) => setCalibrationFiles(Array.from(event.target.files ?? []))}
        aria-invalid={fieldHasError(start.error, "calibration")}
        aria-describedby="optimize-calibration-hint optimize-calibration-errors"
      />
      <p id="optimize-calibration-hint" className="hint">
        .npz files, each one batch of arrays named like the model&apos;s inputs. INT8 calibrates on them and the
        accuracy check compares on them; without them, the version&apos;s example inputs are used, or else inputs
        generated from the signature.
      </p>
      <FieldErrors id="optimize-calibration-errors" error={start.error} field="calibration" />

      <button
        type="submit"
        className="primary"
        disabled={start.isPending || Boolean(unavailableReason)}
        aria-describedby={unavailableReason ? "optimize-unavailable" : undefined}
        data-testid="optimize-submit"
      >
        {start.isPending ? "Starting…" : "Optimize"}
      </button>
      {unavailableReason && (
        <p id="optimize-unavailable" className="hint">
          {unavailableReason}
        </p>
      )}
    </form>
  );
}
