// Report fields may be missing or null while the backend evolves: every formatter answers
// a readable dash instead of "NaN" or "undefined".
export const MISSING = "—";

export function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function formatMs(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  return `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
}

export function formatSpeedup(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  return `${value.toFixed(2)}×`;
}

export function formatRatio(value: unknown, digits = 4): string {
  if (!isNumber(value)) return MISSING;
  return value.toFixed(digits);
}

export function formatCount(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  return value.toLocaleString("en-US");
}

export function formatBytes(value: unknown): string {
  if (!isNumber(value)) return MISSING;
  const units = ["B", "KiB", "MiB", "GiB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

export function formatDateTime(value: unknown): string {
  if (typeof value !== "string" || !value) return MISSING;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

/** Any scalar or small structure as text, for generic key/value rows. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return MISSING;
  if (typeof value === "number") return Number.isInteger(value) ? formatCount(value) : String(+value.toFixed(4));
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}=${formatValue(inner)}`)
      .join(", ");
  }
  return String(value);
}

export function humanize(key: string): string {
  const spaced = key.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A span of seconds as people say it: "42 s", "3 min 5 s", "1 h 12 min". */
export function formatSeconds(total: number): string {
  if (!Number.isFinite(total) || total < 0) return MISSING;
  const seconds = Math.round(total);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
