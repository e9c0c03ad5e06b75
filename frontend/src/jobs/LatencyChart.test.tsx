import { render, screen } from "@testing-library/react";
import { LatencyChart } from "./LatencyChart";

describe("LatencyChart", () => {
  it("draws a baseline and an optimized bar per shape, longest for the slowest", () => {
    render(
      <LatencyChart
        points={[
          { label: "batch=1", baselineMs: 2, optimizedMs: 1 },
          { label: "batch=16", baselineMs: 8, optimizedMs: 4 },
        ]}
      />,
    );
    const groups = screen.getAllByTestId("latency-bar-group");
    expect(groups).toHaveLength(2);
    const widths = groups.map((group) => [...group.querySelectorAll("rect")].map((rect) => Number(rect.getAttribute("width"))));
    expect(widths[1]![0]).toBeGreaterThan(widths[0]![0]!);
    expect(widths[0]![1]).toBeLessThan(widths[0]![0]!);
    expect(screen.getByRole("img").getAttribute("aria-label")).toContain("batch=16");
  });

  it("draws nothing without measurements", () => {
    const { container } = render(<LatencyChart points={[{ label: "x", baselineMs: null, optimizedMs: null }]} />);
    expect(container.querySelector("svg")).toBeNull();
  });
});
