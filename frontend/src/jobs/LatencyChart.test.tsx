import { render, screen } from "@testing-library/react";
import { LatencyChart } from "./LatencyChart";

/** The width of each bar a series draws, in data order. */
function barWidths(container: HTMLElement, series: string): number[] {
  return [...container.querySelectorAll(`.recharts-bar.${series} .recharts-rectangle`)].map((bar) =>
    Number(bar.getAttribute("width")),
  );
}

describe("LatencyChart", () => {
  it("draws a baseline and an optimized bar per shape, longest for the slowest", () => {
    const { container } = render(
      <LatencyChart
        points={[
          { label: "batch=1", baselineMs: 2, optimizedMs: 1 },
          { label: "batch=16", baselineMs: 8, optimizedMs: 4 },
        ]}
      />,
    );
    const groups = screen.getAllByTestId("latency-bar-group");
    expect(groups.map((group) => group.textContent)).toEqual(["batch=1", "batch=16"]);
    const baseline = barWidths(container, "bar-baseline");
    const optimized = barWidths(container, "bar-optimized");
    expect(baseline).toHaveLength(2);
    expect(optimized).toHaveLength(2);
    // One linear scale from zero: 8 ms is four times 2 ms, 1 ms half of 2 ms.
    expect(baseline[1]).toBeCloseTo(baseline[0]! * 4);
    expect(optimized[0]).toBeCloseTo(baseline[0]! / 2);
    const figures = [...container.querySelectorAll(".recharts-label")].map((label) => label.textContent);
    expect(figures).toEqual(expect.arrayContaining(["2.000 ms", "8.000 ms", "1.000 ms", "4.000 ms"]));
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe(
      "Latency per shape: batch=1: 2.000 ms before, 1.000 ms after; batch=16: 8.000 ms before, 4.000 ms after",
    );
    // The legend is the shared before/after one, out of the accessibility tree.
    expect(screen.getByTestId("latency-chart").querySelector(".legend[aria-hidden='true']")!.textContent).toBe(
      "BaselineOptimized",
    );
  });

  it("shortens a long shape label and keeps the full one as its tooltip", () => {
    render(<LatencyChart points={[{ label: "input=1x3x224x224,mask=1x77", baselineMs: 2, optimizedMs: 1 }]} />);
    const group = screen.getByTestId("latency-bar-group");
    expect(group.querySelector("text")!.textContent).toBe("input=1x3x224x224,m…");
    expect(group.querySelector("title")!.textContent).toBe("input=1x3x224x224,mask=1x77");
  });

  it("draws nothing without measurements", () => {
    const { container } = render(<LatencyChart points={[{ label: "x", baselineMs: null, optimizedMs: null }]} />);
    expect(container.querySelector("svg")).toBeNull();
    expect(container.textContent).toBe("");
  });
});
