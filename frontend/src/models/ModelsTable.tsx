import { Link } from "react-router";
import type { Model } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { formatBytes, formatCount, formatDateTime } from "../format/numbers";

export function ModelsTable({ models }: { models: Model[] }) {
  return (
    <div className="table-scroll">
      <table data-testid="models-table">
        <caption className="visually-hidden">Registered models</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">Size</th>
            <th scope="col">Nodes</th>
            <th scope="col">Owner</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id} data-testid="model-row">
              <td>
                <Link to={`/models/${model.id}`}>{model.name}</Link>
                {model.description && <div className="muted small">{model.description}</div>}
              </td>
              <td>
                {model.latest_version ? `v${model.latest_version.number}` : "—"}
                {model.latest_version?.status && model.latest_version.status !== "ready" && (
                  <>
                    {" "}
                    <StatusBadge status={model.latest_version.status} />
                  </>
                )}
              </td>
              <td>{formatBytes(model.latest_version?.size_bytes)}</td>
              <td>{formatCount(model.node_counts?.total)}</td>
              <td>{model.owner}</td>
              <td>{formatDateTime(model.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
