import { useState } from "react";
import { Link } from "react-router";
import { useDeployments } from "../api/queries";
import { PagedQueryView } from "../components/PagedQueryView";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime } from "../format/numbers";
import { PageTitle } from "../components/PageTitle";
import { ResponsiveTable } from "../components/ResponsiveTable";

export function DeploymentsPage() {
  const [page, setPage] = useState(1);
  const deployments = useDeployments(page);
  return (
    <div className="page deployments-page">
      <PageTitle title="Deployments" />
      <h1>Deployments</h1>
      <PagedQueryView
        query={deployments}
        page={page}
        onPage={setPage}
        loadingLabel="Loading deployments…"
        empty={<p>Nothing deployed yet. Deploy a succeeded optimization from its job page.</p>}
      >
        {(results) => (
          <ResponsiveTable testId="deployments-table" caption="Deployments">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {results.map((deployment) => (
                <tr key={deployment.id} data-testid="deployment-row">
                  <td>
                    <Link to={`/deployments/${deployment.id}`}>{deployment.name}</Link>
                  </td>
                  <td>{deployment.model_name}</td>
                  <td>
                    <StatusBadge status={deployment.status} />
                  </td>
                  <td className="break">
                    <code>{deployment.endpoint_url}</code>
                  </td>
                  <td>{formatDateTime(deployment.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </ResponsiveTable>
        )}
      </PagedQueryView>
    </div>
  );
}
