import { render, screen, within } from "@testing-library/react";
import { fullReport } from "../test/fixtures";
import { ReportView } from "./ReportView";
import { asReport } from "./report";

describe("ReportView", () => {
  it("shows the overall speed-up and the baseline and optimized latency", () => {
    render(<ReportView report={fullReport} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("1.42× faster");
    expect(screen.getByTestId("overall-baseline").textContent).toBe("2.000 ms");
    expect(screen.getByTestId("overall-optimized").textContent).toBe("1.408 ms");
    expect(screen.getByTestId("diagnosis").textContent).toContain("fusion wins");
  });

  it("lists every optimization with its status and timings", () => {
    render(<ReportView report={fullReport} />);
    const rows = screen.getAllByTestId("optimization-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain("ort_fusion");
    expect(rows[0]!.textContent).toContain("effective");
    expect(rows[0]!.textContent).toContain("1.42×");
    expect(rows[1]!.textContent).toContain("skipped");
    expect(rows[1]!.textContent).toContain("recipe is lossless");
  });

  it("compares kernel counts per category before and after, in FusionStitching order", () => {
    render(<ReportView report={fullReport} />);
    const table = screen.getByTestId("kernels-table");
    const rowNames = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => row.querySelector("th")!.textContent);
    expect(rowNames).toEqual(["Compute (Math)", "Memory-bound (Mem)", "Data movement (Cpy)", "Total"]);
    const total = screen.getByTestId("kernels-row-total");
    expect([...total.querySelectorAll("td")].map((cell) => cell.textContent)).toEqual(["12", "7", "−5"]);
  });

  it("says whether accuracy meets the budget", () => {
    render(<ReportView report={fullReport} />);
    expect(screen.getByTestId("accuracy-verdict").textContent).toContain("meets the budget 0.9999");
    render(
      <ReportView report={{ ...fullReport, accuracy: { metric: "cosine", value: 0.95, budget: 0.99 } }} />,
    );
    expect(screen.getAllByTestId("accuracy-verdict")[1]!.textContent).toContain("misses the budget");
  });

  it("shows one row per benchmarked shape and every candidate with why it lost", () => {
    render(<ReportView report={fullReport} />);
    const shapes = screen.getAllByTestId("shape-row");
    expect(shapes.map((row) => row.querySelector("th")!.textContent)).toEqual(["batch=1", "batch=16"]);
    const candidates = screen.getAllByTestId("candidate-row");
    expect(candidates[1]!.textContent).toContain("no avx512_bf16 on this CPU");
  });

  it("renders a partial report without NaN or undefined", () => {
    const partial = asReport({ overall: { baseline_ms: 3.5 }, kernels: null, accuracy: null, shapes: "oops" });
    render(<ReportView report={partial!} />);
    const text = screen.getByTestId("report").textContent ?? "";
    expect(text).not.toMatch(/NaN|undefined|null/);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("Speed-up not reported");
    expect(text).toContain("No kernel statistics reported.");
    expect(text).toContain("No accuracy check reported.");
    expect(text).toContain("No per-shape measurements reported.");
  });

  it("reports an honest 'no gain' when nothing beat the baseline", () => {
    render(<ReportView report={{ ...fullReport, overall: { baseline_ms: 2, optimized_ms: 2, speedup: 1.0 } }} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("No gain: the original model ships");
  });
});
