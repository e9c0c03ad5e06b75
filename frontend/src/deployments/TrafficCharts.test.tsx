import { render, screen, within } from "@testing-library/react";
import type { TrafficHistory, TrafficPoint } from "../api/types";
import { TrafficCharts } from "./TrafficCharts";

const minute = (index: number, figures: Partial<TrafficPoint> = {}): TrafficPoint => ({
  start: new Date(Date.UTC(2026, 11, 6, 10, index)).toISOString(),
  requests: null, requests_per_s: null, error_rate: null, p50_ms: null, p99_ms: null, ...figures,
});

const busy = (index: number, rate: number, errorRate: number, p50: number, p99: number) =>
  minute(index, { requests: rate * 60, requests_per_s: rate, error_rate: errorRate, p50_ms: p50, p99_ms: p99 });

function history(points: TrafficPoint[], samples = 20): TrafficHistory {
  return { window: "1h", step_s: 60, sample_interval_s: 15, samples, points };
}

/** A line's runs between gaps, each as its [x, y] points, from the path Recharts draws (M starts a run). */
function runs(line: Element): [number, number][][] {
  const d = line.querySelector(".recharts-line-curve")?.getAttribute("d") ?? "";
  return d
    .split("M")
    .filter(Boolean)
    .map((run) => run.replace("Z", "").split("L").map((point) => point.split(",").map(Number) as [number, number]));
}

/** The y of a value-axis label: the top one or the zero one. */
function tickY(chart: HTMLElement, testId?: string): number {
  const ticks = [...chart.querySelectorAll(".recharts-yAxis-tick-labels text")];
  const tick = testId ? ticks.find((text) => text.getAttribute("data-testid") === testId)! : ticks[0]!;
  return Number(tick.getAttribute("y"));
}

describe("traffic charts", () => {
  it("says when the history will start while there are fewer than two samples", () => {
    const { rerender } = render(<TrafficCharts history={history([minute(0), minute(1)], 0)} />);
    expect(screen.getByTestId("traffic-history-empty").textContent).toContain("every 15 s");
    rerender(<TrafficCharts history={history([minute(0), minute(1)], 1)} />);
    expect(screen.getByTestId("traffic-history-empty")).toBeTruthy();
    expect(screen.queryByTestId("traffic-charts")).toBeNull();
  });

  it("draws requests per second, p50 and p99 latency and the error rate per minute, with gaps", () => {
    const points = [minute(0), busy(1, 2, 0, 4, 9), busy(2, 4, 0.05, 5, 30), minute(3), busy(4, 3, 0, 4.5, 12)];
    render(<TrafficCharts history={history(points)} />);

    const rate = screen.getByTestId("traffic-chart-rate");
    const rateLines = rate.querySelectorAll(".recharts-line");
    expect(rateLines).toHaveLength(1);
    // Minutes 1-2 are a line; the empty minute 3 breaks it; minute 4 stands alone, so it is also a dot.
    const [joined, alone] = runs(rateLines[0]!);
    expect(joined).toHaveLength(2);
    expect(alone).toHaveLength(1);
    const dots = rate.querySelectorAll(".series-dot");
    expect(dots).toHaveLength(1);
    expect([Number(dots[0]!.getAttribute("cx")), Number(dots[0]!.getAttribute("cy"))]).toEqual(alone![0]);
    expect(screen.getByTestId("traffic-chart-rate-top").textContent).toBe("4.00/s");
    // The highest value reaches the top label; the axis starts at zero; the newest minute is at the right edge.
    expect(joined![1]![1]).toBe(tickY(rate, "traffic-chart-rate-top"));
    expect(tickY(rate)).toBeGreaterThan(joined![0]![1]);
    expect(alone![0]![0]).toBeGreaterThan(joined![1]![0]);
    expect(rate.querySelector(".recharts-xAxis-tick-labels")!.textContent).toBe("5 min agonow");
    expect(within(rate).getByRole("img").getAttribute("aria-label")).toBe(
      "Requests per second over the last 5 minutes: requests latest 3.00/s, highest 4.00/s");

    const latency = screen.getByTestId("traffic-chart-latency");
    expect(latency.querySelectorAll(".recharts-line")).toHaveLength(2);
    expect(runs(latency.querySelector(".recharts-line.series-main")!)).toHaveLength(2);
    expect(runs(latency.querySelector(".recharts-line.series-tail")!)).toHaveLength(2);
    // p99 above p50 at every minute (smaller y is higher).
    const p50 = runs(latency.querySelector(".recharts-line.series-main")!).flat();
    const p99 = runs(latency.querySelector(".recharts-line.series-tail")!).flat();
    p50.forEach(([x, y], index) => {
      expect(p99[index]![0]).toBe(x);
      expect(p99[index]![1]).toBeLessThan(y);
    });
    expect(latency.querySelector(".legend")!.textContent).toBe("p50p99");
    expect(screen.getByTestId("traffic-chart-latency-top").textContent).toBe("30.0 ms");

    const errors = screen.getByTestId("traffic-chart-errors");
    expect(screen.getByTestId("traffic-chart-errors-top").textContent).toBe("5.00%");
    expect(within(errors).getByRole("img").getAttribute("aria-label")).toContain("errors latest 0.00%, highest 5.00%");
  });

  it("keeps a flat line at zero on the axis when nothing was called", () => {
    render(<TrafficCharts history={history([minute(0, { requests: 0, requests_per_s: 0 }), minute(1, { requests: 0, requests_per_s: 0 })])} />);
    const rate = screen.getByTestId("traffic-chart-rate");
    const [line] = runs(rate.querySelector(".recharts-line")!);
    expect(line).toHaveLength(2);
    expect(line!.map(([, y]) => y)).toEqual([tickY(rate), tickY(rate)]);
    // No call, no error rate or latency: those charts have no line and no dot at all.
    for (const id of ["traffic-chart-errors", "traffic-chart-latency"]) {
      const chart = screen.getByTestId(id);
      expect(chart.querySelector(".recharts-yAxis")).not.toBeNull();
      expect([...chart.querySelectorAll(".recharts-line-curve")].filter((curve) => curve.getAttribute("d"))).toEqual([]);
      expect(chart.querySelector(".series-dot")).toBeNull();
    }
  });

  it("puts a window of one minute at the right edge, as now", () => {
    render(<TrafficCharts history={history([busy(0, 2, 0, 4, 9)])} />);
    const rate = screen.getByTestId("traffic-chart-rate");
    const dot = rate.querySelector(".series-dot")!;
    const axis = rate.querySelector(".recharts-xAxis .recharts-cartesian-axis-line")!;
    expect(Number(dot.getAttribute("cx"))).toBe(Number(axis.getAttribute("x2")));
  });
});
