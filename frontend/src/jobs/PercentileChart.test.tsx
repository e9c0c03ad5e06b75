import { render, screen } from "@testing-library/react";
import { routedReport } from "../test/fixtures";
import { PercentileChart } from "./PercentileChart";
import { latencyPercentiles } from "./report";

/** Where an error bar ends: its first line is the cap at the far end. */
function capX(errorBar: Element): number {
  return Number(errorBar.querySelector("line")!.getAttribute("x1"));
}

describe("PercentileChart", () => {
  it("takes the shipped percentiles from the graph serving each shape", () => {
    const rows = latencyPercentiles(routedReport);
    expect(rows.map((row) => [row.label, row.servedBy, row.baseline?.p99, row.shipped?.p99])).toEqual([
      // The original serves batch=1: it ships the baseline's own figures, not the routed candidate's 0.9.
      ["batch=1", "original", 0.8, 0.8],
      ["batch=4", "int8_static+no_spinning", 2.6, 1.1],
      ["batch=16", "int8_static+no_spinning", 9.0, 3.4],
    ]);
  });

  it("draws p50, p90 and p99 for baseline and shipped at every shape", () => {
    const { container } = render(<PercentileChart rows={latencyPercentiles(routedReport)} />);
    expect(screen.getAllByTestId("percentile-group").map((group) => group.textContent)).toEqual([
      "batch=1",
      "batch=4",
      "batch=16",
    ]);
    const label = screen.getByRole("img").getAttribute("aria-label")!;
    expect(label).toContain("batch=16: baseline p50 7.500 ms, p90 7.900 ms, p99 9.000 ms; shipped p50 2.500 ms, p90 2.700 ms, p99 3.400 ms");

    // A bar per side and shape, a p90 tick and a p99 whisker on each.
    const bars = (series: string) => [...container.querySelectorAll(`.recharts-bar.${series} .recharts-rectangle`)];
    expect(bars("bar-baseline")).toHaveLength(3);
    expect(bars("bar-optimized")).toHaveLength(3);
    const p90 = [...container.querySelectorAll(".p90-tick")];
    const p99 = [...container.querySelectorAll(".p99-whisker")];
    expect(p90).toHaveLength(6);
    expect(p99).toHaveLength(6);
    // batch=16's baseline: the bar ends at the p50, the tick at the p90 lies beyond it, the whisker ends further on.
    const bar = bars("bar-baseline")[2]!;
    const p50End = Number(bar.getAttribute("x")) + Number(bar.getAttribute("width"));
    expect(capX(p90[2]!)).toBeGreaterThan(p50End);
    expect(capX(p99[2]!)).toBeGreaterThan(capX(p90[2]!));
    // The scale is linear from zero: 9.0 ms of p99 sits at 9/7.5 of the p50 bar's length.
    expect(capX(p99[2]!) - Number(bar.getAttribute("x"))).toBeCloseTo((Number(bar.getAttribute("width")) * 9) / 7.5);
    // The shipped graph's tail at batch=16 (3.4 ms) is shorter than the baseline's median.
    expect(capX(p99[5]!)).toBeLessThan(p50End);

    const figures = [...container.querySelectorAll(".percentile-values")].map((text) => text.textContent);
    expect(figures).toContain("7.500 / 7.900 / 9.000 ms");
    expect(figures).toContain("2.500 / 2.700 / 3.400 ms");
    expect(figures).toHaveLength(6);
  });

  it("draws nothing without percentiles", () => {
    const { container } = render(<PercentileChart rows={[]} />);
    expect(container.textContent).toBe("");
  });
});
