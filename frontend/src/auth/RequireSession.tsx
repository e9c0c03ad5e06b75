import { Navigate, Outlet, useLocation } from "react-router";
import { useSession } from "../api/queries";
import { ErrorState, LoadingState } from "../components/StateViews";

/** Console routes need a session; anonymous visitors go to the login page and come back. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <LoadingState label="Checking your session…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
