import type { NodeCounts } from "../api/types";
import { formatCount } from "../format/numbers";

// The same three kernel categories as the FusionStitching table (Math, Mem, Cpy).
export const NODE_CATEGORIES: { key: keyof NodeCounts; label: string; hint: string }[] = [
  { key: "compute", label: "Compute", hint: "MatMul, Gemm, Conv…" },
  { key: "memory", label: "Memory-bound", hint: "elementwise, reductions, normalisations" },
  { key: "data_movement", label: "Data movement", hint: "Transpose, Reshape, Concat, Gather, Cast…" },
  { key: "other", label: "Other", hint: "everything else" },
];

export function NodeCountsTable({ counts }: { counts: NodeCounts | null | undefined }) {
  if (!counts) return <p className="muted">No graph statistics recorded.</p>;
  return (
    <div className="table-scroll">
      <table data-testid="node-counts">
        <caption className="visually-hidden">Nodes by category</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col" className="number">
              Nodes
            </th>
          </tr>
        </thead>
        <tbody>
          {NODE_CATEGORIES.map(({ key, label, hint }) => (
            <tr key={key} data-testid={`node-count-${key}`}>
              <th scope="row">
                {label} <span className="muted small">({hint})</span>
              </th>
              <td className="number">{formatCount(counts[key])}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="node-count-total">
            <th scope="row">Total</th>
            <td className="number">{formatCount(counts.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
