// Class labels: entry i names class i of a class-score output. Read from a label file in the browser
// (the model's Edit form saves them on the model; the try-it form may load its own for one browser).
// platform/modelhub/labels.py holds the same limits for what the API accepts.

export const MAX_LABELS = 100_000;
export const MAX_LABEL_LENGTH = 200;

/** Labels from a text file (one per line) or a JSON array / {"0": "cat"} object. */
export function parseLabels(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed.map(String);
    if (parsed && typeof parsed === "object") {
      const labels: string[] = [];
      for (const [key, value] of Object.entries(parsed)) {
        const index = Number(key);
        if (Number.isInteger(index) && index >= 0) labels[index] = String(value);
      }
      return Array.from(labels, (label) => label ?? "");
    }
  }
  return trimmed.split(/\r?\n/).map((line) => line.trim());
}

/** What the API would refuse in these labels, said the way it says it; null when they can be saved. */
export function labelsProblem(labels: string[]): string | null {
  if (labels.length === 0 || (labels.length === 1 && labels[0] === "")) return "The file holds no labels.";
  if (labels.length > MAX_LABELS) {
    return `At most ${MAX_LABELS.toLocaleString("en")} labels, not ${labels.length.toLocaleString("en")}.`;
  }
  const long = labels.findIndex((label) => label.length > MAX_LABEL_LENGTH);
  if (long >= 0) {
    return `Label ${long} is ${labels[long]!.length} characters long; each label may have at most ${MAX_LABEL_LENGTH}.`;
  }
  return null;
}

/** "12 labels: tench, goldfish, great white shark, …" — the count and the first few. */
export function describeLabels(labels: string[], first = 3): string {
  const shown = labels.slice(0, first).map((label) => label || "(empty)");
  const more = labels.length > first ? ", …" : "";
  return `${labels.length} label${labels.length === 1 ? "" : "s"}: ${shown.join(", ")}${more}`;
}

/** A chosen file's text, through FileReader, which every browser (and jsdom) has. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsText(file);
  });
}

/** Reads a chosen label file; rejects with what is wrong with it. */
export async function readLabelFile(file: File): Promise<string[]> {
  let labels: string[];
  try {
    labels = parseLabels(await readText(file));
  } catch (error) {
    throw new Error(`${file.name}: not a label file (${(error as Error).message})`);
  }
  const problem = labelsProblem(labels);
  if (problem) throw new Error(`${file.name}: ${problem}`);
  return labels;
}
