import { NavLink, Outlet, useNavigate } from "react-router";
import { useLogout, useSession } from "../api/queries";

export function Layout() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/models" className="brand">
          Whetstone
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/models">Models</NavLink>
          <NavLink to="/jobs">Jobs</NavLink>
          <NavLink to="/deployments">Deployments</NavLink>
          <NavLink to="/dashboard">Dashboard</NavLink>
          <NavLink to="/hardware">Hardware</NavLink>
          <NavLink to="/teams">Teams</NavLink>
          <NavLink to="/tokens">API tokens</NavLink>
          <NavLink to="/webhooks">Webhooks</NavLink>
        </nav>
        {session.data && (
          <div className="user-menu">
            <span data-testid="current-user">{session.data.username}</span>
            <button
              type="button"
              onClick={() => logout.mutate(undefined, { onSuccess: () => navigate("/login") })}
              disabled={logout.isPending}
            >
              Log out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
