import { useState, type FormEvent } from "react";
import { useCreateToken, useRevokeToken, useTokens } from "../api/queries";
import { CopyableSnippet } from "../components/CopyableSnippet";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { PageTitle } from "../components/PageTitle";
import { PagedQueryView } from "../components/PagedQueryView";
import { StatusBadge } from "../components/StatusBadge";
import type { components } from "../api/generated/schema";
import { formatDateTime } from "../format/numbers";
import { ResponsiveTable } from "../components/ResponsiveTable";

type CreatedToken = { name: string; token: string };
type Scope = components["schemas"]["ScopesEnum"];

// What each scope lets a token do (accounts/permissions.py on the server).
const SCOPES: { scope: Scope; label: string }[] = [
  { scope: "read", label: "read: see models, jobs, deployments" },
  { scope: "register", label: "register: upload models and versions" },
  { scope: "optimize", label: "optimize: start and cancel jobs, export packages" },
  { scope: "deploy", label: "deploy: deploy, redeploy, undeploy" },
  { scope: "admin", label: "admin: tokens, teams, webhooks" },
];
// A CI pipeline needs no admin rights: least privilege unless the user asks for more.
const DEFAULT_SCOPES: Scope[] = ["read", "register", "optimize", "deploy"];

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(DEFAULT_SCOPES);

  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        expires_at: expires ? new Date(`${expires}T00:00:00Z`).toISOString() : null,
        scopes: SCOPES.map((s) => s.scope).filter((scope) => scopes.includes(scope)),
      },
      {
        onSuccess: (created) => {
          setName("");
          setExpires("");
          setScopes(DEFAULT_SCOPES);
          onCreated({ name: created.name, token: created.token });
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-token-title" data-testid="token-form">
      <h2 id="new-token-title">New token</h2>
      <FormError error={create.error} shownFields={["name", "expires_at", "scopes"]} />
      <label htmlFor="token-name">Name</label>
      <input
        id="token-name"
        required
        maxLength={100}
        value={name}
        placeholder="github-actions"
        onChange={(event) => setName(event.target.value)}
        aria-invalid={fieldHasError(create.error, "name")}
        aria-describedby="token-name-errors"
      />
      <FieldErrors id="token-name-errors" error={create.error} field="name" />
      <label htmlFor="token-expires">Expires on</label>
      <input
        id="token-expires"
        type="date"
        value={expires}
        onChange={(event) => setExpires(event.target.value)}
        aria-invalid={fieldHasError(create.error, "expires_at")}
        aria-describedby="token-expires-hint token-expires-errors"
      />
      <p id="token-expires-hint" className="hint">
        Every token expires: empty means in 30 days; at most a year from now.
      </p>
      <FieldErrors id="token-expires-errors" error={create.error} field="expires_at" />
      <fieldset className="token-scopes" aria-describedby="token-scopes-errors">
        <legend>What it may do</legend>
        {SCOPES.map(({ scope, label }) => (
          <label key={scope} className="inline-check">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) => toggle(scope, event.target.checked)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <FieldErrors id="token-scopes-errors" error={create.error} field="scopes" />
      <button type="submit" className="primary" disabled={create.isPending || !name.trim() || scopes.length === 0}>
        {create.isPending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}

function RevokeButton({ id, name }: { id: number; name: string }) {
  const revoke = useRevokeToken();
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={revoke.isPending}
        onClick={() => {
          if (window.confirm(`Revoke “${name}”? Anything that uses it stops working.`)) revoke.mutate(id);
        }}
        aria-label={`Revoke ${name}`}
      >
        {revoke.isPending ? "Revoking…" : "Revoke"}
      </button>
      <FormError error={revoke.error} shownFields={[]} />
    </>
  );
}

export function TokensPage() {
  const [page, setPage] = useState(1);
  const tokens = useTokens(page);
  // Kept in memory only: the secret is in the create answer and nowhere else.
  const [created, setCreated] = useState<CreatedToken | null>(null);
  return (
    <div className="page tokens-page">
      <PageTitle title="API tokens" />
      <h1>API tokens</h1>
      <p className="muted">
        Personal tokens let CI call the REST API as you: send <code>Authorization: Token wst_…</code>, or use{" "}
        <code>whetstone login --token</code>.
      </p>
      {created && (
        <div className="card token-notice" data-testid="new-token-notice" role="status">
          <p>
            <strong>Copy “{created.name}” now:</strong> it is stored hashed and will not be shown again.
          </p>
          <CopyableSnippet title="Token" code={created.token} testId="new-token" />
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <div className="two-columns">
        <section className="grow" aria-labelledby="tokens-title" aria-busy={tokens.isFetching}>
          <h2 id="tokens-title">Your tokens</h2>
          <PagedQueryView
            query={tokens}
            page={page}
            onPage={setPage}
            loadingLabel="Loading tokens…"
            empty={<p>No API tokens. Create one for each pipeline that calls Whetstone.</p>}
          >
            {(results) => (
              <ResponsiveTable testId="tokens-table" caption="Your API tokens">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Starts with</th>
                    <th scope="col">Status</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {results.map((token) => (
                    <tr key={token.id} data-testid="token-row">
                      <th scope="row">{token.name}</th>
                      <td className="mono">{token.hint}…</td>
                      <td>
                        <StatusBadge status={token.active ? "active" : token.revoked_at ? "revoked" : "expired"} />
                      </td>
                      <td>{token.scopes.join(", ")}</td>
                      <td>{formatDateTime(token.created_at)}</td>
                      <td>{token.last_used_at ? formatDateTime(token.last_used_at) : "never"}</td>
                      <td>{formatDateTime(token.expires_at)}</td>
                      <td>{token.active && <RevokeButton id={token.id} name={token.name} />}</td>
                    </tr>
                  ))}
                </tbody>
              </ResponsiveTable>
            )}
          </PagedQueryView>
        </section>
        <aside className="side">
          <CreateTokenForm onCreated={setCreated} />
        </aside>
      </div>
    </div>
  );
}
