import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useCreateWebhook, useDeleteWebhook, useWebhookDeliveries, useWebhooks } from "../api/queries";
import { CopyableSnippet } from "../components/CopyableSnippet";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { PageTitle } from "../components/PageTitle";
import { PagedQueryView } from "../components/PagedQueryView";
import { EmptyState, ErrorState, LoadingState } from "../components/StateViews";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime } from "../format/numbers";
import { ResponsiveTable } from "../components/ResponsiveTable";

type Webhook = { id: number; url: string; secret: string; active: boolean; team: number | null; created_at: string };

function Deliveries({ webhookId }: { webhookId: number }) {
  const [open, setOpen] = useState(false);
  const deliveries = useWebhookDeliveries(webhookId, open);
  return (
    <details onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Deliveries</summary>
      {!open ? null : deliveries.isPending ? (
        <LoadingState label="Loading deliveries…" />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.results.length === 0 ? (
        <EmptyState>No deliveries yet: one is sent when a job ends.</EmptyState>
      ) : (
        <ResponsiveTable testId="webhook-deliveries" caption="Deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">HTTP</th>
              <th scope="col">Attempts</th>
              <th scope="col">When</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.results.map((delivery) => (
              <tr key={delivery.id}>
                <td>{delivery.event}</td>
                <td>
                  <Link to={`/jobs/${delivery.job}`}>#{delivery.job}</Link>
                </td>
                <td>
                  <StatusBadge status={delivery.status} />
                </td>
                <td>{delivery.response_status ?? "—"}</td>
                <td>{delivery.attempts}</td>
                <td>{formatDateTime(delivery.delivered_at ?? delivery.created_at)}</td>
                <td className="detail">
                  {delivery.error || "—"}
                  {delivery.next_attempt_at &&
                  delivery.attempts > 0 &&
                  Date.parse(delivery.next_attempt_at) > Date.now()
                    ? ` · tried again ${formatDateTime(delivery.next_attempt_at)}`
                    : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </ResponsiveTable>
      )}
    </details>
  );
}

function WebhookItem({ webhook }: { webhook: Webhook }) {
  const remove = useDeleteWebhook();
  return (
    <li className="card webhook" data-testid="webhook-row">
      <div className="title-row">
        <code className="break">{webhook.url}</code>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          aria-label={`Delete webhook ${webhook.url}`}
          onClick={() => {
            if (window.confirm(`Delete the webhook to ${webhook.url}?`)) remove.mutate(webhook.id);
          }}
        >
          {remove.isPending ? "Deleting…" : "Delete"}
        </button>
      </div>
      <p className="muted small">
        {webhook.team ? `Team #${webhook.team}` : "Your jobs"} · added {formatDateTime(webhook.created_at)}
      </p>
      <FormError error={remove.error} shownFields={[]} />
      <Deliveries webhookId={webhook.id} />
    </li>
  );
}

export function WebhooksPage() {
  const [page, setPage] = useState(1);
  const webhooks = useWebhooks(page);
  const create = useCreateWebhook();
  const [url, setUrl] = useState("");
  const [created, setCreated] = useState<Webhook | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { url: url.trim() },
      {
        onSuccess: (webhook) => {
          setUrl("");
          setCreated(webhook as Webhook);
        },
      },
    );
  }

  return (
    <div className="page webhooks-page">
      <PageTitle title="Webhooks" />
      <h1>Webhooks</h1>
      <p className="muted">
        When a job ends, Whetstone POSTs it to each URL, signed: <code>X-Whetstone-Signature: sha256=HMAC(secret, body)</code>.
      </p>
      {created && (
        <div className="card token-notice" role="status" data-testid="new-webhook-notice">
          <p>
            <strong>
              Signing secret for <span className="break">{created.url}</span>
            </strong>{" "}
            — check each delivery's signature with it.
          </p>
          <CopyableSnippet title="Secret" code={created.secret} testId="webhook-secret" />
        </div>
      )}
      <div className="two-columns">
        <section className="grow" aria-labelledby="webhooks-title" aria-busy={webhooks.isFetching}>
          <h2 id="webhooks-title">Your webhooks</h2>
          <PagedQueryView
            query={webhooks}
            page={page}
            onPage={setPage}
            loadingLabel="Loading webhooks…"
            empty={<p>No webhooks. Add one to hear about finished jobs in chat or CI.</p>}
          >
            {(results) => (
              <ul className="plain-list webhook-list">
                {results.map((webhook) => (
                  <WebhookItem key={webhook.id} webhook={webhook as Webhook} />
                ))}
              </ul>
            )}
          </PagedQueryView>
        </section>
        <aside className="side">
          <form className="card" onSubmit={submit} aria-labelledby="new-webhook-title" data-testid="webhook-form">
            <h2 id="new-webhook-title">Add a webhook</h2>
            <FormError error={create.error} shownFields={["url"]} />
            <label htmlFor="webhook-url">URL</label>
            <input
              id="webhook-url"
              type="url"
              required
              value={url}
              placeholder="https://ci.example.com/hooks/whetstone"
              onChange={(event) => setUrl(event.target.value)}
              aria-invalid={fieldHasError(create.error, "url")}
              aria-describedby="webhook-url-errors"
            />
            <FieldErrors id="webhook-url-errors" error={create.error} field="url" />
            <button type="submit" className="primary" disabled={create.isPending || !url.trim()}>
              {create.isPending ? "Adding…" : "Add webhook"}
            </button>
          </form>
        </aside>
      </div>
    </div>
  );
}
