import { escapeHtml } from "./escape-html.ts";

/*
 * Small SVG building blocks shared by the chart kinds. Series differ by colour AND marker
 * shape, so charts still read in greyscale and for colour-blind readers.
 */

/** Okabe–Ito colours, a palette designed to stay distinct under common colour blindness (yellow left out: too faint on white). */
export const SERIES_COLOURS = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#000000",
] as const;

/** Marker shapes cycled alongside colours. */
export const MARKER_SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down"] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/** Line dash patterns cycled alongside colours, so lines lying on top of each other stay apart. */
export const LINE_DASHES = ["", "7 4", "2 3", "9 3 2 3", "4 4"] as const;

/** How one series is drawn. */
export interface SeriesStyle {
  colour: string;
  shape: MarkerShape;
  /** SVG `stroke-dasharray` of the series' line ("" for solid). */
  dash: string;
}

/** The colour and shape of the series at `index`. */
export function seriesStyle(index: number): SeriesStyle {
  return {
    colour: SERIES_COLOURS[index % SERIES_COLOURS.length] ?? "#000000",
    shape: MARKER_SHAPES[index % MARKER_SHAPES.length] ?? "circle",
    dash: LINE_DASHES[index % LINE_DASHES.length] ?? "",
  };
}

/** The dash attribute of a series' line, if it has one. */
export function dashAttribute(style: SeriesStyle): string {
  return style.dash ? ` stroke-dasharray="${style.dash}"` : "";
}

/** Rounds a coordinate to one decimal place to keep the markup small. */
export function coordinate(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A `<title>` child: the browser's tooltip, also read by screen readers. */
export function tooltip(text: string | undefined): string {
  return text ? `<title>${escapeHtml(text)}</title>` : "";
}

/** A marker of the given shape centred on (x, y), with an optional tooltip. */
export function marker(style: SeriesStyle, x: number, y: number, radius: number, title?: string): string {
  const paint = `fill="${style.colour}" stroke="#ffffff" stroke-width="1"`;
  const c = coordinate;
  let shape: string;
  switch (style.shape) {
    case "square": {
      const half = radius * 0.88;
      shape = `<rect x="${c(x - half)}" y="${c(y - half)}" width="${c(2 * half)}" height="${c(2 * half)}" ${paint}`;
      break;
    }
    case "triangle":
    case "triangle-down": {
      const direction = style.shape === "triangle" ? 1 : -1;
      const size = radius * 1.2;
      const points = [
        [x, y - direction * size],
        [x + size, y + direction * size * 0.8],
        [x - size, y + direction * size * 0.8],
      ];
      shape = `<polygon points="${points.map(([px = 0, py = 0]) => `${c(px)},${c(py)}`).join(" ")}" ${paint}`;
      break;
    }
    case "diamond": {
      const size = radius * 1.25;
      shape = `<polygon points="${c(x)},${c(y - size)} ${c(x + size)},${c(y)} ${c(x)},${c(y + size)} ${c(x - size)},${c(y)}" ${paint}`;
      break;
    }
    default:
      shape = `<circle cx="${c(x)}" cy="${c(y)}" r="${c(radius)}" ${paint}`;
  }
  return title ? `${shape}>${tooltip(title)}</${shape.slice(1, shape.indexOf(" "))}>` : `${shape}/>`;
}

/** A vertical error bar from `yLow` to `yHigh` with caps. */
export function errorBar(x: number, yLow: number, yHigh: number, colour: string, capHalfWidth = 4): string {
  const c = coordinate;
  return (
    `<path d="M${c(x)},${c(yLow)}V${c(yHigh)}M${c(x - capHalfWidth)},${c(yLow)}H${c(x + capHalfWidth)}` +
    `M${c(x - capHalfWidth)},${c(yHigh)}H${c(x + capHalfWidth)}" stroke="${colour}" stroke-width="1.5" fill="none"/>`
  );
}

/** A text element; the content is escaped and a tooltip carries the full text when it was shortened. */
export function label(x: number, y: number, content: string, attributes: string, fullText?: string): string {
  const extra = attributes ? ` ${attributes}` : "";
  return `<text x="${coordinate(x)}" y="${coordinate(y)}"${extra}>${tooltip(fullText)}${escapeHtml(content)}</text>`;
}
