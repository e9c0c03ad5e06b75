import { render, screen } from "@testing-library/react";
import { routedReport } from "../test/fixtures";
import { CandidatePlot } from "./CandidatePlot";

describe("CandidatePlot", () => {
  it("places each measured candidate by accuracy and speed-up, marked by its status", () => {
    const { container } = render(<CandidatePlot report={routedReport} />);
    expect(container.querySelectorAll(".recharts-scatter-symbol")).toHaveLength(3);
    const points = screen.getAllByTestId("plot-point");
    expect(points.map((point) => point.getAttribute("data-status"))).toEqual(["routed", "lost", "rejected"]);
    // Shape says the status too: a diamond for routed, a circle for lost, a cross for rejected.
    expect(points.map((point) => point.querySelector("circle, path")!.getAttribute("class"))).toEqual([
      "mark-routed",
      "mark-lost",
      "mark-rejected",
    ]);
    // A faster candidate sits higher (smaller y); a more accurate one further right.
    const position = (index: number) => {
      const shape = points[index]!.querySelector("circle, path")!;
      if (shape.tagName === "circle") return { x: Number(shape.getAttribute("cx")), y: Number(shape.getAttribute("cy")) };
      // The diamond starts at its top vertex, the cross at its top-left corner: both 5-7 px from the centre.
      const [x, y] = shape.getAttribute("d")!.slice(1).split(/[LZM]/)[0]!.split(",").map(Number);
      return { x: x!, y: y! };
    };
    const routed = position(0);
    const lost = position(1);
    const rejected = position(2);
    expect(routed.y).toBeLessThan(lost.y);
    expect(lost.x).toBeGreaterThan(routed.x);
    // The budget line lies between the rejected candidate (0.962) and the accepted ones.
    const budget = Number(screen.getByTestId("plot-budget").getAttribute("x1"));
    expect(budget).toBeGreaterThan(rejected.x + 5);
    expect(budget).toBeLessThan(routed.x);
    // The dashed baseline (1.00×) lies below the lost candidate (1.01×) and above the plot's floor.
    const baseline = screen.getByTestId("plot-baseline");
    expect(baseline.getAttribute("stroke-dasharray")).toBe("4 3");
    expect(Number(baseline.getAttribute("y1"))).toBeGreaterThan(lost.y);
    // Only what ships is named on the plot; every point has its figures as a tooltip.
    expect(points[0]!.querySelector("text")!.textContent).toBe("int8_static+no_spinning");
    expect(points[1]!.querySelector("text")).toBeNull();
    expect(points[2]!.querySelector("title")!.textContent).toBe("int8_dynamic (rejected): 1.70×, cosine 0.962000");
    expect(screen.getByTestId("plot-unplotted").textContent).toContain("bf16");
    expect(screen.getByRole("img").getAttribute("aria-label")).toContain("int8_dynamic (rejected): 1.70× at cosine 0.962000");
    expect(screen.getByRole("img").getAttribute("aria-label")).toContain("accuracy budget 0.9900");
  });

  it("has no budget line when the report states no budget", () => {
    const { accuracy: _, ...withoutBudget } = routedReport;
    render(<CandidatePlot report={withoutBudget} />);
    expect(screen.getAllByTestId("plot-point")).toHaveLength(3);
    expect(screen.queryByTestId("plot-budget")).toBeNull();
    expect(screen.getByTestId("plot-baseline")).toBeTruthy();
  });

  it("says so when no candidate can be placed", () => {
    render(<CandidatePlot report={{ candidates: [{ name: "bf16", status: "skipped", speedup: null }] }} />);
    expect(screen.queryByTestId("candidate-plot")).toBeNull();
    expect(document.body.textContent).toContain("No candidate has both a speed-up and an accuracy");
  });
});
