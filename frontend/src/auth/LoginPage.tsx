import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useLogin, useSession } from "../api/queries";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { PageTitle } from "../components/PageTitle";

/** Only same-site paths are followed after login, so a crafted link cannot send users away. */
export function safeNextPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/models";
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNextPath(params.get("next"));

  if (session.data) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ username, password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  return (
    <div className="login-page">
      <PageTitle title="Sign in" />
      <form className="card login-form" onSubmit={submit} aria-labelledby="login-title" data-testid="login-form">
        <h1 id="login-title">Sign in to Whetstone</h1>
        <FormError error={login.error} shownFields={["username", "password"]} />
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          aria-invalid={fieldHasError(login.error, "username")}
          aria-describedby="login-username-errors"
        />
        <FieldErrors id="login-username-errors" error={login.error} field="username" />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={fieldHasError(login.error, "password")}
          aria-describedby="login-password-errors"
        />
        <FieldErrors id="login-password-errors" error={login.error} field="password" />
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
