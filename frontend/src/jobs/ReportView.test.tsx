import { render, screen, within } from "@testing-library/react";
import { fullReport, routedReport } from "../test/fixtures";
import { ReportView } from "./ReportView";
import { asReport, headline, type OptimizationReport } from "./report";

// Issue #21: batch 1 (the shape the user named first) did not get faster, batch 4 and 16 were
// routed to int8_static; the old headline was the shape set's geometric mean, "1.96× faster".
const routedElsewhere: OptimizationReport = {
  report_version: 2,
  overall: {
    shape: "batch=1", baseline_ms: 0.549, optimized_ms: 0.549, speedup: 1.0,
    shape_set: ["batch=1", "batch=4", "batch=16"], shape_set_speedup: 1.9574,
    shipped_original: false, chosen: "routed", precision: "mixed",
  },
  optimizations: [
    { name: "int8_static", status: "effective", shape: "batch=4", pre_run_ms: 1.9, post_run_ms: 0.76, speedup: 2.5,
      shape_set_speedup: 1.63, detail: "QDQ (serves batch=4, batch=16)" },
  ],
  shapes: [
    { label: "batch=1", baseline_ms: 0.549, optimized_ms: 0.549, speedup: 1.0, served_by: "original" },
    { label: "batch=4", baseline_ms: 1.9, optimized_ms: 0.76, speedup: 2.5, served_by: "int8_static" },
    { label: "batch=16", baseline_ms: 7.5, optimized_ms: 2.5, speedup: 3.0, served_by: "int8_static" },
  ],
};

describe("ReportView", () => {
  it("shows the overall speed-up and the baseline and optimized latency", () => {
    render(<ReportView report={fullReport} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("1.42× faster");
    expect(screen.getByTestId("overall-baseline").textContent).toBe("2.000 ms");
    expect(screen.getByTestId("overall-optimized").textContent).toBe("1.408 ms");
    expect(screen.getByTestId("diagnosis").textContent).toContain("fusion wins");
    expect(screen.getByTestId("overall-chosen").textContent).toBe("ort_fusion (fp32)");
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

  it("compares kernel counts and time per category before and after, in FusionStitching order", () => {
    render(<ReportView report={fullReport} />);
    const table = screen.getByTestId("kernels-table");
    const rowNames = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => row.querySelector("th")!.textContent);
    expect(rowNames).toEqual([
      "Compute (Math)",
      "Memory-bound (Mem)",
      "Data movement (Cpy)",
      "Other",
      "Total",
      "Host (outside kernels)",
    ]);
    const cells = (testId: string) => [...screen.getByTestId(testId).querySelectorAll("td")].map((cell) => cell.textContent);
    expect(cells("kernels-row-total")).toEqual(["12", "7", "−5", "1.800 ms", "1.300 ms"]);
    expect(cells("kernels-row-host").slice(3)).toEqual(["0.200 ms", "0.100 ms"]);
    expect(screen.getByTestId("kernels-notes").textContent).toContain("Before: the exported graph");
  });

  it("shows counts alone, and says which side could not be measured", () => {
    render(
      <ReportView
        report={{
          ...fullReport,
          kernels: { before: { compute: 3, total: 3 }, after: { error: "RuntimeError: profiling failed" } },
        }}
      />,
    );
    expect(screen.getByTestId("kernels-table").querySelectorAll("thead th")).toHaveLength(4);
    expect([...screen.getByTestId("kernels-row-total").querySelectorAll("td")].map((c) => c.textContent)).toEqual([
      "3",
      "—",
      "—",
    ]);
    expect(screen.getByTestId("kernels-notes").textContent).toContain("After: not measured (RuntimeError: profiling failed)");
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
    expect(candidates.map((row) => row.querySelector(".badge")!.textContent)).toEqual(["chosen", "lost", "skipped"]);
    // Latency is the p50 at the primary (first) shape.
    expect(candidates[0]!.textContent).toContain("1.408 ms");
    expect(candidates[1]!.textContent).toContain("2.200 ms");
    expect(candidates[1]!.textContent).toContain("slower than the baseline at batch=1");
    expect(candidates[2]!.textContent).toContain("no avx512_bf16 on this CPU");
  });

  it("says which shapes a routed candidate answers", () => {
    const routed = {
      name: "int8_static", engine: "onnxruntime", precision: "int8", status: "routed", speedup: 1.9,
      why_lost: null, serves_shapes: ["batch=1"], latency: { "batch=1": { p50_ms: 1.1 } },
    };
    render(<ReportView report={{ ...fullReport, candidates: [...fullReport.candidates!, routed] }} />);
    const row = screen.getAllByTestId("candidate-row")[3]!;
    expect(row.querySelector(".badge")!.textContent).toBe("routed");
    expect(row.textContent).toContain("serves batch=1");
  });

  it("names what serves each shape when shapes are routed to different candidates", () => {
    const shapes = [
      { shape: { batch: 1 }, baseline_ms: 2.0, optimized_ms: 1.0, speedup: 2.0, served_by: "int8_static" },
      { shape: { batch: 4 }, baseline_ms: 8.0, optimized_ms: 5.0, speedup: 1.6, served_by: "openvino_int8" },
    ];
    render(<ReportView report={{ ...fullReport, shapes }} />);
    const rows = screen.getAllByTestId("shape-row");
    expect(rows.map((row) => row.querySelector("th")!.textContent)).toEqual(["batch=1", "batch=4"]);
    expect(rows[0]!.textContent).toContain("int8_static");
    expect(rows[1]!.textContent).toContain("openvino_int8");
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
    expect(screen.queryByTestId("report-problems")).toBeNull();
    expect(screen.queryByTestId("cache-note")).toBeNull();
  });

  it("lists what went wrong, and says when the result came from the tuning cache", () => {
    render(
      <ReportView
        report={{
          ...fullReport,
          failures: [{ name: "shape batch=64", status: "skipped", detail: "baseline takes 2500 ms" }],
          timing: { cache_hit: true },
        }}
      />,
    );
    expect(screen.getByTestId("report-problems").textContent).toBe("shape batch=64 (skipped): baseline takes 2500 ms");
    expect(screen.getByTestId("cache-note")).toBeTruthy();
  });

  it("reports an honest 'no gain' when nothing beat the baseline", () => {
    render(<ReportView report={{ ...fullReport, overall: { baseline_ms: 2, optimized_ms: 2, speedup: 1.0 } }} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("No gain: the original model ships");
  });

  it("leads with the primary shape's own speed-up and labels the shape set's mean with its shapes", () => {
    render(<ReportView report={routedElsewhere} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe(
      "No gain at batch=1: other shapes are faster (see the shape set)",
    );
    expect(screen.getByTestId("overall-shape").textContent).toBe("measured at batch=1, the primary shape");
    expect(screen.getByTestId("overall-headline").textContent).toBe("1.00×");
    const shapeSet = screen.getByTestId("overall-shape-set-speedup");
    expect(shapeSet.textContent).toBe("1.96× geometric mean");
    expect(shapeSet.parentElement!.querySelector("dt")!.textContent).toBe("Shape set (batch=1, batch=4, batch=16)");
    expect(screen.getByTestId("overall").textContent).not.toContain("1.96× faster");
  });

  it("shows a gain at the primary shape as the headline, beside the shape-set figure", () => {
    const gained = { ...routedElsewhere, overall: { ...routedElsewhere.overall, optimized_ms: 0.46, speedup: 1.1935 } };
    render(<ReportView report={gained} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("1.19× faster");
    expect(screen.getByTestId("overall-optimized").textContent).toBe("0.460 ms");
    expect(screen.getByTestId("overall-shape-set-speedup").textContent).toBe("1.96× geometric mean");
  });

  it("names the shape each optimization's before and after were measured at", () => {
    render(<ReportView report={routedElsewhere} />);
    const row = screen.getAllByTestId("optimization-row")[0]!;
    expect(screen.getAllByTestId("optimization-shape")[0]!.textContent).toBe("batch=4");
    expect(row.textContent).toContain("1.900 ms");
    expect(row.textContent).toContain("0.760 ms");
    expect(row.textContent).toContain("2.50×");
  });

  it("reads a report written before the headline changed by its own latencies", () => {
    const old = asReport({
      report_version: 1,
      overall: { shape: "batch=1", baseline_ms: 0.549, optimized_ms: 0.549, speedup: 1.88 },
      shapes: [{ label: "batch=1" }, { label: "batch=4" }, { label: "batch=16" }],
    })!;
    expect(headline(old)).toEqual({
      speedup: 1.0, shape: "batch=1", shapeSetSpeedup: 1.88, shapeSet: ["batch=1", "batch=4", "batch=16"],
    });
    render(<ReportView report={old} />);
    expect(screen.getByTestId("overall-speedup").textContent).toBe("No gain: the original model ships");
    expect(screen.getByTestId("overall-shape-set-speedup").textContent).toBe("1.88× geometric mean");
  });

  it("keeps the story open and folds the long tables, each with a one-line summary", () => {
    render(<ReportView report={routedReport} />);
    const open = (id: string) => (screen.getByTestId(`section-${id}`) as HTMLDetailsElement).open;
    expect(["report-overall", "report-shipped", "report-accuracy", "report-tradeoff", "report-shapes"].map(open)).toEqual([
      true, true, true, true, true,
    ]);
    expect(["report-candidates", "report-optimizations", "report-kernels", "report-context"].map(open)).toEqual([
      false, false, false, false,
    ]);
    const summary = (id: string) => screen.getByTestId(`section-${id}`).querySelector(".section-summary")!.textContent;
    expect(summary("report-candidates")).toBe("1 routed, 1 lost, 1 rejected, 1 skipped");
    expect(summary("report-kernels")).toBe("10 → 6 kernels");
    expect(summary("report-accuracy")).toBe("meets the budget");
  });

  it("names the shipped graph structurally and draws percentiles, the trade-off and per-output verdicts", () => {
    render(<ReportView report={routedReport} />);
    expect(screen.getByTestId("overall-chosen").textContent).toBe("original + 2 routed shapes (mixed)");
    expect(screen.getByTestId("report").textContent).not.toContain("+routes[");
    expect(screen.getByTestId("shipped-table")).toBeTruthy();
    expect(screen.getByTestId("percentile-chart")).toBeTruthy();
    expect(screen.queryByTestId("latency-chart")).toBeNull();
    expect(screen.getAllByTestId("plot-point")).toHaveLength(3);
    expect(screen.getAllByTestId("output-accuracy-row")).toHaveLength(3);
  });

  it("falls back to the p50 chart for reports without percentiles", () => {
    render(<ReportView report={fullReport} />);
    expect(screen.getByTestId("latency-chart")).toBeTruthy();
  });
});
