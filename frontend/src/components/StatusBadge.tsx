// One badge for job, deployment and report statuses; the colour class comes from the status
// word, and the word itself is always shown so colour is never the only signal.
const TONES: Record<string, string> = {
  succeeded: "good",
  active: "good",
  delivered: "good",
  revoked: "muted",
  expired: "muted",
  ready: "good",
  effective: "good",
  passed: "good",
  won: "good",
  winner: "good",
  chosen: "good",
  routed: "good",
  running: "busy",
  loading: "busy",
  pending: "busy",
  queued: "busy",
  inspecting: "busy",
  stopping: "busy",
  updating: "busy",
  failed: "bad",
  rejected: "bad",
  cancelled: "muted",
  stopped: "muted",
  skipped: "muted",
  ineffective: "muted",
  lost: "muted",
};

export function StatusBadge({ status, testId }: { status: string | null | undefined; testId?: string }) {
  const word = status || "unknown";
  return (
    <span className={`badge badge-${TONES[word] ?? "muted"}`} data-testid={testId}>
      {word}
    </span>
  );
}
