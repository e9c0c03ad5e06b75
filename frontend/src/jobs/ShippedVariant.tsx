import { MISSING, formatSpeedup } from "../format/numbers";
import { shippedVariant, type OptimizationReport } from "./report";
import { ResponsiveTable } from "../components/ResponsiveTable";

function Chip({ name, tone }: { name: string; tone: "default" | "routed" }) {
  return (
    <span className={`chip chip-${tone}`} data-testid={`chip-${tone}`}>
      {name}
    </span>
  );
}

/** The shipped variant in words, then shape by shape: which graph answers it and how much faster. */
export function ShippedVariantView({ report }: { report: OptimizationReport }) {
  const variant = shippedVariant(report);
  if (variant.defaultGraph === null) return <p className="muted">What ships was not reported.</p>;
  const routedTo = [...new Set(variant.routes.map((route) => route.candidate))];
  const how = [variant.engine, variant.precision].filter(Boolean).join(", ");
  return (
    <div className="shipped" data-testid="shipped">
      <p data-testid="shipped-words">
        {variant.defaultGraph === "original" && variant.routes.length === 0
          ? "The package runs the original model: no candidate beat it within the accuracy budget."
          : variant.routes.length === 0
            ? `The package runs ${variant.defaultGraph} at every shape.`
            : `The package runs ${variant.defaultGraph} by default and routes ${variant.routes.length} shape${
                variant.routes.length === 1 ? "" : "s"
              } to ${routedTo.join(" and ")}, ${routedTo.length === 1 ? "which is" : "which are"} faster there.`}
        {how && <span className="muted"> ({how})</span>}
      </p>
      {variant.shapes.length > 0 && (
        <ResponsiveTable testId="shipped-table" className="compact">
          <thead>
            <tr>
              <th scope="col">Shape</th>
              <th scope="col">Runs</th>
              <th scope="col" className="number">
                Speed-up
              </th>
              <th scope="col" className="number">
                Over the default
              </th>
            </tr>
          </thead>
          <tbody>
            {variant.shapes.map((shape) => {
              const route = variant.routes.find((entry) => entry.shape === shape.label);
              const runs = route?.candidate ?? shape.servedBy ?? variant.defaultGraph ?? MISSING;
              return (
                <tr key={shape.label} data-testid="shipped-row">
                  <th scope="row">{shape.label}</th>
                  <td>
                    <Chip name={runs} tone={route ? "routed" : "default"} />
                    {route ? <span className="muted small"> routed</span> : null}
                  </td>
                  <td className="number">{formatSpeedup(shape.speedup ?? route?.speedup)}</td>
                  <td className="number">{route ? formatSpeedup(route.overDefault) : MISSING}</td>
                </tr>
              );
            })}
          </tbody>
        </ResponsiveTable>
      )}
    </div>
  );
}
