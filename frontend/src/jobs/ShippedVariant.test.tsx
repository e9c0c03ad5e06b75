import { render, screen } from "@testing-library/react";
import { fullReport, routedReport } from "../test/fixtures";
import { shippedVariant } from "./report";
import { ShippedVariantView } from "./ShippedVariant";

describe("ShippedVariantView", () => {
  it("splits a routed package into its default graph and its routes, shape by shape", () => {
    expect(shippedVariant(routedReport).defaultGraph).toBe("original");
    render(<ShippedVariantView report={routedReport} />);
    expect(screen.getByTestId("shipped-words").textContent).toBe(
      "The package runs original by default and routes 2 shapes to int8_static+no_spinning, which is faster there. (onnxruntime, mixed)",
    );
    const rows = screen.getAllByTestId("shipped-row").map((row) => [...row.children].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["batch=1", "original", "1.00×", "—"],
      ["batch=4", "int8_static+no_spinning routed", "2.50×", "2.50×"],
      ["batch=16", "int8_static+no_spinning routed", "3.00×", "3.00×"],
    ]);
    expect(screen.getAllByTestId("chip-routed")).toHaveLength(2);
    // The raw label never reaches the page.
    expect(document.body.textContent).not.toContain("+routes[");
  });

  it("says a single graph runs every shape, and when the original ships", () => {
    render(<ShippedVariantView report={fullReport} />);
    expect(screen.getByTestId("shipped-words").textContent).toBe("The package runs ort_fusion at every shape. (fp32)");
    expect(screen.queryAllByTestId("chip-routed")).toHaveLength(0);
    render(<ShippedVariantView report={{ overall: { chosen: "original", routes: [] } }} />);
    expect(screen.getAllByTestId("shipped-words")[1]!.textContent).toContain("runs the original model");
  });

  it("finds the default of an older routed report from the shape that no route claims", () => {
    const older = {
      overall: { chosen: "routed", routes: [{ shape: "batch=4", candidate: "int8_static" }] },
      shapes: [
        { label: "batch=1", served_by: "ort_fusion" },
        { label: "batch=4", served_by: "int8_static" },
      ],
    };
    expect(shippedVariant(older).defaultGraph).toBe("ort_fusion");
  });
});
