import type { ReactNode } from "react";
import { ApiError } from "../api/client";

export function LoadingState({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite" data-testid="loading">
      {label}
    </p>
  );
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return "Not found. It may have been deleted, or the link is wrong.";
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      {children}
    </div>
  );
}
