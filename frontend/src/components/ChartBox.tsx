import type { ReactElement } from "react";
import { ResponsiveContainer } from "recharts";

/**
 * The console's palette for Recharts, which paints marks with SVG attributes: the same colours as
 * styles.css's :root variables (--accent, --bad, --muted, --text) and its chart classes.
 */
export const CHART_COLORS = {
  baseline: "#9aa5b5",
  accent: "#1d5fd6",
  tail: "#c26b00",
  bad: "#b3261e",
  muted: "#5b6472",
  text: "#1c2430",
} as const;

/** Tick text as the hand-drawn charts had it: 11 px in the page's text colour. */
export const TICK_STYLE = { fontSize: 11, fill: CHART_COLORS.text } as const;

/**
 * A Recharts chart that takes its parent's width (up to `width`, unless it may `grow`) at a fixed
 * height, and reads as one image to assistive technology: `label` says what the marks show, so a
 * screen reader gets the figures without walking Recharts' SVG.
 *
 * `width` is also the size the chart starts at before ResizeObserver has measured the box; where
 * there is no ResizeObserver (jsdom in the component tests) it keeps that size, so tests see the
 * marks a browser would draw at that width.
 */
export function ChartBox({
  width,
  height,
  label,
  testId,
  grow = false,
  children,
}: {
  width: number;
  height: number;
  label: string;
  testId?: string;
  /** Take the parent's whole width, also beyond `width` (the parent caps it). */
  grow?: boolean;
  children: ReactElement;
}) {
  return (
    <div className="chart-box" role="img" aria-label={label} data-testid={testId} style={{ maxWidth: grow ? undefined : width }}>
      <ResponsiveContainer width="100%" height={height} minWidth={0} initialDimension={{ width, height }}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * A category axis's label, as its own group: the bar charts draw one per row (every tick shown,
 * `interval={0}`), so `testId` marks one group per shape or bucket. The full text is the tooltip
 * when a long label is shortened.
 */
export function CategoryTick({
  y,
  payload,
  testId,
  length = 20,
}: {
  y: number | string;
  payload: { value?: unknown };
  testId?: string;
  length?: number;
}) {
  const text = String(payload.value ?? "");
  // Left-aligned from the chart's edge as the hand-drawn charts had them; `length` characters fit the axis's width.
  return (
    <g className="category-tick" data-testid={testId}>
      {text.length > length && <title>{text}</title>}
      <text x={6} y={y} dy="0.35em" fontSize={TICK_STYLE.fontSize} fill={TICK_STYLE.fill}>
        {shorten(text, length)}
      </text>
    </g>
  );
}
