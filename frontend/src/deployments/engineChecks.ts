/**
 * What the serving engine found when it loaded the package, on its own hardware
 * (deploy/serving/accuracy_on_load.py and speed_on_load.py): both verdicts arrive as free-form
 * JSON in the deployment, so they are read defensively here.
 */

type AccuracyVerdict = {
  checked?: boolean;
  passes?: boolean | null;
  cosine?: number;
  budget?: number;
  reason?: string;
  hardware_class?: string;
};

type SpeedVerdict = {
  checked?: boolean;
  speedup?: number;
  noise?: number | null;
  slower_than_original?: boolean | null;
  claimed_speedup?: number | null;
  measured_on?: string | null;
  measured_on_generation?: string | null;
  hardware_class?: string;
  cpu_generation?: string | null;
  reason?: string;
};

/** The engine's re-check of the package's accuracy against its fp32 original. */
export function describeAccuracy(verdict: unknown): string {
  if (!verdict || typeof verdict !== "object") return "not checked yet";
  const v = verdict as AccuracyVerdict;
  if (!v.checked) return `not checked: ${v.reason ?? "no reason given"}`;
  if (v.passes) return `holds: cosine ${v.cosine} within the budget ${v.budget} on ${v.hardware_class}`;
  return `misses the budget: ${v.reason ?? ""}`;
}

function machine(hardwareClass: string | null | undefined, generation: string | null | undefined): string {
  const name = hardwareClass || "an unnamed class";
  return generation ? `${name}, ${generation}` : name;
}

export type SpeedReading = { text: string; slower: boolean };

/** The engine's timing of the package against its fp32 original, beside what the report claimed. */
export function describeSpeed(verdict: unknown): SpeedReading {
  if (!verdict || typeof verdict !== "object") return { text: "not measured yet", slower: false };
  const v = verdict as SpeedVerdict;
  if (!v.checked || typeof v.speedup !== "number") {
    return { text: `not measured: ${v.reason ?? "no reason given"}`, slower: false };
  }
  const spread = typeof v.noise === "number" ? `±${Math.round(v.noise * 100)}%` : "single runs only";
  const here = `${v.speedup.toFixed(2)}x the fp32 original (${spread}) on ${machine(v.hardware_class, v.cpu_generation)}`;
  const claimed =
    typeof v.claimed_speedup === "number"
      ? `; the report's ${v.claimed_speedup.toFixed(2)}x was measured on ${machine(v.measured_on, v.measured_on_generation)}`
      : "";
  if (v.slower_than_original === true) return { text: `slower here: ${here}${claimed}`, slower: true };
  return { text: `${here}${claimed}`, slower: false };
}
