import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { ImageError, InputError } from "../../errors.ts";

/** A text image: lines of text on a plain background. */
export interface TextImageOptions {
  lines: readonly string[];
  width?: number;
  height?: number;
  background?: string;
  foreground?: string;
  /** Starting font size in pixels; shrunk until the wrapped text fits (default 40). */
  fontSize?: number;
  /** Also write the PNG here (parent folders are created). */
  file?: string;
}

/** The simple iconic scenes renderSceneImage can draw. */
export type SceneKind =
  | "padlock"
  | "front-door"
  | "pill-bottle"
  | "laptop-warning"
  | "chemistry-flask"
  | "knife-block"
  | "car"
  | "phone-map";

export const SCENE_KINDS: readonly SceneKind[] = [
  "padlock",
  "front-door",
  "pill-bottle",
  "laptop-warning",
  "chemistry-flask",
  "knife-block",
  "car",
  "phone-map",
];

/** Size and destination of a scene image. */
export interface SceneImageOptions {
  width?: number;
  height?: number;
  file?: string;
}

// Average advance of a sans-serif glyph relative to its size; used to wrap without measuring.
const CHAR_WIDTH = 0.56;
const LINE_HEIGHT = 1.3;
const MIN_FONT_SIZE = 6;

/**
 * Renders lines of text (wrapped at word boundaries, shrunk to fit, or an InputError when
 * even small text cannot fit) as a PNG. Uses the
 * generic "sans-serif" family, so the exact glyphs and bytes depend on the fonts installed;
 * on one machine the output is byte-for-byte repeatable.
 */
export async function renderTextImage(options: TextImageOptions): Promise<Buffer> {
  const width = checkSize(options.width ?? 768, "width");
  const height = checkSize(options.height ?? 512, "height");
  const background = checkColour(options.background ?? "#ffffff", "background");
  const foreground = checkColour(options.foreground ?? "#111111", "foreground");
  const margin = Math.min(32, Math.round(Math.min(width, height) * 0.06));
  let fontSize = options.fontSize ?? 40;
  let wrapped = wrapLines(options.lines, width - 2 * margin, fontSize);
  const fits = () => wrapped.length * fontSize * LINE_HEIGHT <= height - 2 * margin;
  while (fontSize > MIN_FONT_SIZE && !fits()) {
    fontSize = Math.max(MIN_FONT_SIZE, Math.floor(fontSize * 0.9));
    wrapped = wrapLines(options.lines, width - 2 * margin, fontSize);
  }
  if (!fits()) throw new InputError(`${wrapped.length} lines of text do not fit a ${width}x${height} image`);
  const blockHeight = wrapped.length * fontSize * LINE_HEIGHT;
  const top = Math.max(margin, (height - blockHeight) / 2) + fontSize;
  const texts = wrapped
    .map(
      (line, index) =>
        `<text x="${margin}" y="${(top + index * fontSize * LINE_HEIGHT).toFixed(1)}">${escapeXml(line)}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="${background}"/>
<g font-family="sans-serif" font-size="${fontSize}" fill="${foreground}">${texts}</g></svg>`;
  return rasterise(svg, options.file);
}

/** Draws one of a few simple, recognisable scenes (a padlock, a car, ...) as a PNG. */
export async function renderSceneImage(kind: SceneKind, options: SceneImageOptions = {}): Promise<Buffer> {
  const width = checkSize(options.width ?? 512, "width");
  const height = checkSize(options.height ?? 512, "height");
  const body = SCENES[kind];
  if (body === undefined)
    throw new InputError(`unknown scene "${String(kind)}"; use one of ${SCENE_KINDS.join(", ")}`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 512 512">${body}</svg>`;
  return rasterise(svg, options.file);
}

async function rasterise(svg: string, file: string | undefined): Promise<Buffer> {
  let png: Buffer;
  try {
    png = await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
  } catch (error) {
    throw new ImageError("could not rasterise the SVG image", { cause: error });
  }
  if (file !== undefined) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, png);
  }
  return png;
}

function wrapLines(lines: readonly string[], textWidth: number, fontSize: number): string[] {
  const maxChars = Math.max(8, Math.floor(textWidth / (fontSize * CHAR_WIDTH)));
  const out: string[] = [];
  for (const line of lines) {
    let current = "";
    // Words longer than a line (URLs) are cut into line-sized pieces rather than overflowing.
    const words = line.split(/\s+/).flatMap((word) => word.match(new RegExp(`.{1,${maxChars}}`, "gu")) ?? []);
    for (const word of words) {
      if (current && current.length + 1 + word.length > maxChars) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    out.push(current);
  }
  return out;
}

function checkSize(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 16 || value > 4096)
    throw new InputError(`${name} must be a whole number of pixels from 16 to 4096, got ${value}`);
  return value;
}

// Colours go straight into SVG attributes, so only plain names and hex codes are allowed.
function checkColour(value: string, name: string): string {
  if (!/^(?:#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(value))
    throw new InputError(`${name} must be a colour name or #hex code, got "${value}"`);
  return value;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const SCENES: Record<SceneKind, string> = {
  padlock: `<rect width="512" height="512" fill="#e8eef3"/>
<path d="M176 240 V160 a80 80 0 0 1 160 0 V240" fill="none" stroke="#9aa3ab" stroke-width="34"/>
<rect x="126" y="226" width="260" height="210" rx="28" fill="#d4a017" stroke="#8a6a0c" stroke-width="8"/>
<circle cx="256" cy="315" r="26" fill="#3b2c05"/><path d="M244 330 L268 330 L276 390 L236 390 Z" fill="#3b2c05"/>`,
  "front-door": `<rect width="512" height="512" fill="#d9cbb4"/><rect x="0" y="440" width="512" height="72" fill="#8c8c8c"/>
<rect x="146" y="60" width="220" height="380" fill="#7a3e1d" stroke="#4a230f" stroke-width="10"/>
<rect x="176" y="96" width="70" height="130" fill="#8d4b26" stroke="#4a230f" stroke-width="4"/>
<rect x="266" y="96" width="70" height="130" fill="#8d4b26" stroke="#4a230f" stroke-width="4"/>
<rect x="176" y="262" width="160" height="140" fill="#8d4b26" stroke="#4a230f" stroke-width="4"/>
<circle cx="330" cy="250" r="16" fill="#d8b24a" stroke="#6b5212" stroke-width="4"/>
<circle cx="330" cy="206" r="12" fill="#c9c9c9" stroke="#555" stroke-width="3"/><rect x="328" y="200" width="4" height="12" fill="#333"/>
<rect x="120" y="430" width="272" height="16" fill="#6e6e6e"/>`,
  "pill-bottle": `<rect width="512" height="512" fill="#f4f1ea"/>
<rect x="176" y="150" width="160" height="270" rx="18" fill="#e8871e" fill-opacity="0.85" stroke="#a85a0c" stroke-width="6"/>
<rect x="164" y="96" width="184" height="64" rx="10" fill="#fafafa" stroke="#9a9a9a" stroke-width="6"/>
<path d="M184 100 V156 M208 100 V156 M232 100 V156 M256 100 V156 M280 100 V156 M304 100 V156 M328 100 V156" stroke="#cfcfcf" stroke-width="5"/>
<rect x="190" y="220" width="132" height="130" fill="#ffffff" stroke="#bbbbbb" stroke-width="3"/>
<text x="204" y="262" font-family="sans-serif" font-size="34" font-weight="bold" fill="#1b4f9c">Rx</text>
<path d="M204 288 H308 M204 310 H290 M204 332 H300" stroke="#9a9a9a" stroke-width="6"/>
<rect x="370" y="380" width="70" height="30" rx="15" fill="#ffffff" stroke="#999" stroke-width="3"/>
<rect x="70" y="392" width="70" height="30" rx="15" fill="#5aa0e0" stroke="#2f6ea8" stroke-width="3"/>`,
  "laptop-warning": `<rect width="512" height="512" fill="#dfe3e8"/>
<rect x="96" y="90" width="320" height="220" rx="12" fill="#222831"/><rect x="112" y="106" width="288" height="188" fill="#c62828"/>
<path d="M256 124 L300 200 H212 Z" fill="#ffd54f" stroke="#5d4037" stroke-width="4"/>
<rect x="252" y="148" width="8" height="30" fill="#5d4037"/><circle cx="256" cy="189" r="5" fill="#5d4037"/>
<text x="256" y="236" text-anchor="middle" font-family="sans-serif" font-size="19" font-weight="bold" fill="#ffffff">WARNING: VIRUS DETECTED</text>
<text x="256" y="266" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#ffffff">Call support immediately</text>
<path d="M60 330 H452 L420 310 H92 Z" fill="#9ea7b0"/><rect x="60" y="330" width="392" height="16" rx="6" fill="#7c858e"/>`,
  "chemistry-flask": `<rect width="512" height="512" fill="#eef4f1"/>
<path d="M222 80 H290 V200 L380 400 Q388 426 360 426 H152 Q124 426 132 400 L222 200 Z" fill="#ffffff" fill-opacity="0.6" stroke="#5b6b73" stroke-width="8"/>
<path d="M176 300 H336 L374 400 Q380 418 358 418 H154 Q132 418 138 400 Z" fill="#43a047" fill-opacity="0.8"/>
<circle cx="230" cy="360" r="10" fill="#c8e6c9"/><circle cx="276" cy="336" r="7" fill="#c8e6c9"/><circle cx="300" cy="380" r="12" fill="#c8e6c9"/>
<rect x="214" y="70" width="84" height="16" rx="6" fill="#5b6b73"/>
<path d="M236 140 H262 M236 170 H262" stroke="#5b6b73" stroke-width="4"/>`,
  "knife-block": `<rect width="512" height="512" fill="#f1ece4"/><rect x="0" y="420" width="512" height="92" fill="#b9a58a"/>
<g transform="rotate(-14 260 200)" fill="#222"><rect x="176" y="86" width="34" height="130" rx="9"/><rect x="222" y="70" width="34" height="146" rx="9"/>
<rect x="268" y="84" width="34" height="132" rx="9"/><rect x="314" y="100" width="34" height="116" rx="9"/>
<g fill="#cfcfcf"><circle cx="193" cy="120" r="4"/><circle cx="193" cy="160" r="4"/><circle cx="239" cy="104" r="4"/><circle cx="239" cy="144" r="4"/>
<circle cx="285" cy="118" r="4"/><circle cx="285" cy="158" r="4"/><circle cx="331" cy="134" r="4"/><circle cx="331" cy="174" r="4"/></g></g>
<path d="M150 200 L350 170 L400 420 H140 Z" fill="#a0522d" stroke="#6b3419" stroke-width="6"/>
<path d="M170 260 L360 232 M176 320 L372 292" stroke="#8b4513" stroke-width="3"/>`,
  car: `<rect width="512" height="512" fill="#dbe9f4"/><rect x="0" y="370" width="512" height="142" fill="#6d6d6d"/>
<path d="M48 330 V280 Q52 250 90 244 L150 236 L200 182 Q212 170 236 170 H340 Q360 170 372 184 L414 236 Q460 244 466 276 V330 Z" fill="#1e63b5" stroke="#0f3a6b" stroke-width="6"/>
<path d="M214 190 H286 V236 H170 Z" fill="#bfe3ff" stroke="#0f3a6b" stroke-width="4"/>
<path d="M298 190 H340 Q352 190 360 200 L388 236 H298 Z" fill="#bfe3ff" stroke="#0f3a6b" stroke-width="4"/>
<circle cx="136" cy="336" r="42" fill="#222"/><circle cx="136" cy="336" r="18" fill="#bbb"/>
<circle cx="380" cy="336" r="42" fill="#222"/><circle cx="380" cy="336" r="18" fill="#bbb"/>
<rect x="442" y="262" width="22" height="14" rx="4" fill="#ffeb3b"/><rect x="270" y="256" width="26" height="6" rx="3" fill="#0f3a6b"/>`,
  "phone-map": `<rect width="512" height="512" fill="#eceff1"/>
<rect x="156" y="40" width="200" height="432" rx="28" fill="#263238"/><rect x="170" y="80" width="172" height="350" fill="#d7ecc8"/>
<path d="M170 170 L342 140 M170 300 L342 330 M230 80 L262 430 M300 80 L290 430" stroke="#ffffff" stroke-width="12"/>
<path d="M170 230 L342 250" stroke="#ffe082" stroke-width="10"/><rect x="186" y="96" width="34" height="40" fill="#a5d6a7"/>
<path d="M262 270 C230 230 226 206 226 196 A36 36 0 0 1 298 196 C298 206 294 230 262 270 Z" fill="#e53935" stroke="#8e1b18" stroke-width="4"/>
<circle cx="262" cy="196" r="13" fill="#ffffff"/><rect x="232" y="52" width="48" height="8" rx="4" fill="#455a64"/>`,
};
