import { uid } from "../ui/dom";
import { columns, type Datum, horizontalBars } from "./chart-layout";

const SVG = "http://www.w3.org/2000/svg";

function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function frame(title: string, desc: string, width: number, height: number): SVGSVGElement {
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
    class: "chart",
  });
  svg.append(svgEl("title", { id: titleId }, title), svgEl("desc", { id: descId }, desc));
  return svg;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** A chart with a visible caption; the SVG carries its own accessible name too. */
function captioned(title: string, svg: SVGSVGElement): HTMLElement {
  const fig = document.createElement("figure");
  fig.className = "chart-figure";
  const cap = document.createElement("figcaption");
  cap.textContent = title;
  fig.append(cap, svg);
  return fig;
}

/** Horizontal bar chart; the same data is also given as a table beside it for screen readers. */
export function barChart(title: string, data: Datum[], unit: string): HTMLElement {
  const width = 560;
  const rowHeight = 28;
  const labelWidth = 170;
  const { bars } = horizontalBars(data, width, rowHeight, labelWidth);
  const svg = frame(
    title,
    `${data.length} bars; values in ${unit}. The table below lists the same data.`,
    width,
    Math.max(rowHeight, bars.length * rowHeight),
  );
  for (const b of bars) {
    const g = svgEl("g");
    g.append(
      svgEl(
        "text",
        { x: labelWidth - 8, y: b.y + b.height * 0.8, "text-anchor": "end", class: "chart-label" },
        truncate(b.label, 24),
      ),
      svgEl("rect", { x: b.x, y: b.y, width: b.width, height: b.height, rx: 3, class: "chart-bar" }),
      svgEl(
        "text",
        { x: b.x + b.width + 6, y: b.y + b.height * 0.8, class: "chart-value" },
        Number.isFinite(b.value) ? b.value.toLocaleString() : "hidden",
      ),
    );
    svg.append(g);
  }
  return captioned(title, svg);
}

/** Column chart over time (one column per day). */
export function timeChart(title: string, data: Datum[], unit: string): HTMLElement {
  const width = 560;
  const plotHeight = 140;
  const left = 36;
  const { bars, max } = columns(data, width - left, plotHeight);
  const svg = frame(
    title,
    `${data.length} days; ${unit} per day. The table below lists the same data.`,
    width,
    plotHeight + 30,
  );
  svg.append(
    svgEl("line", { x1: left, y1: plotHeight, x2: width, y2: plotHeight, class: "chart-axis" }),
    svgEl("text", { x: left - 6, y: 10, "text-anchor": "end", class: "chart-value" }, max.toLocaleString()),
    svgEl("text", { x: left - 6, y: plotHeight, "text-anchor": "end", class: "chart-value" }, "0"),
  );
  const every = Math.max(1, Math.ceil(bars.length / 8));
  bars.forEach((b, i) => {
    svg.append(svgEl("rect", { x: left + b.x, y: b.y, width: b.width, height: b.height, rx: 2, class: "chart-bar" }));
    if (i % every === 0)
      svg.append(
        svgEl(
          "text",
          { x: left + b.x + b.width / 2, y: plotHeight + 18, "text-anchor": "middle", class: "chart-label" },
          b.label.slice(5),
        ),
      );
  });
  return captioned(title, svg);
}
