import type { Dim, TensorSpec } from "../api/types";
import { ResponsiveTable } from "../components/ResponsiveTable";

export function isDynamicDim(dim: unknown): boolean {
  return typeof dim === "string" || dim === null || (typeof dim === "number" && dim < 0);
}

/** Symbolic dims are shown by name and marked, since they decide which shapes get tuned. */
function DimView({ dim }: { dim: Dim }) {
  if (typeof dim === "number" && dim >= 0) return <span className="dim">{dim}</span>;
  const label = typeof dim === "string" && dim ? dim : "?";
  return (
    <span className="dim dim-dynamic" title="dynamic dimension" data-testid="dynamic-dim">
      {label}
    </span>
  );
}

export function ShapeView({ shape }: { shape: unknown[] }) {
  return (
    <span className="shape">
      [
      {shape.map((dim, index) => (
        <span key={index}>
          {index > 0 && ", "}
          <DimView dim={dim as Dim} />
        </span>
      ))}
      ]
    </span>
  );
}

function TensorRows({ kind, tensors }: { kind: string; tensors: TensorSpec[] }) {
  return (
    <>
      {tensors.map((tensor) => (
        <tr key={`${kind}-${tensor.name}`} data-testid={`signature-${kind}`}>
          <td>{kind}</td>
          <td>
            <code>{tensor.name}</code>
          </td>
          <td>{tensor.dtype}</td>
          <td>
            <ShapeView shape={Array.isArray(tensor.shape) ? tensor.shape : []} />
          </td>
        </tr>
      ))}
    </>
  );
}

export function SignatureTable({ inputs, outputs }: { inputs: TensorSpec[]; outputs: TensorSpec[] }) {
  if (inputs.length === 0 && outputs.length === 0) return <p className="muted">No signature recorded.</p>;
  return (
    <ResponsiveTable testId="signature-table" caption="Inputs and outputs">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Shape</th>
        </tr>
      </thead>
      <tbody>
        <TensorRows kind="input" tensors={inputs} />
        <TensorRows kind="output" tensors={outputs} />
      </tbody>
    </ResponsiveTable>
  );
}
