// Geometry for the inline-SVG charts, kept apart from the DOM so it can be tested in Node.
export interface Datum {
  label: string;
  value: number;
}

export interface BarGeom {
  label: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Withheld figures (NaN) and negatives draw as empty bars. */
const drawable = (v: number) => (Number.isFinite(v) ? Math.max(0, v) : 0);

/** A "nice" axis maximum (1, 2, 2.5, 5 or 10 times a power of ten) at or above the largest value. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Horizontal bars: one row per datum, widths proportional to value over a nice maximum. */
export function horizontalBars(
  data: Datum[],
  width: number,
  rowHeight: number,
  labelWidth: number,
): { bars: BarGeom[]; max: number } {
  const max = niceMax(Math.max(0, ...data.map((d) => drawable(d.value))));
  const plot = Math.max(1, width - labelWidth - 48);
  return {
    max,
    bars: data.map((d, i) => ({
      label: d.label,
      value: d.value,
      x: labelWidth,
      y: i * rowHeight,
      width: (drawable(d.value) / max) * plot,
      height: rowHeight * 0.7,
    })),
  };
}

/** Vertical columns for a time series, bottom-aligned in a plot of the given height. */
export function columns(data: Datum[], width: number, height: number): { bars: BarGeom[]; max: number } {
  const max = niceMax(Math.max(0, ...data.map((d) => drawable(d.value))));
  const slot = data.length ? width / data.length : width;
  return {
    max,
    bars: data.map((d, i) => {
      const hgt = (drawable(d.value) / max) * height;
      return {
        label: d.label,
        value: d.value,
        x: i * slot + slot * 0.15,
        y: height - hgt,
        width: slot * 0.7,
        height: hgt,
      };
    }),
  };
}
