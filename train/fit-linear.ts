// Fits a multi-head logistic model over hashed features with AdaGrad, seeded and
// deterministic. Heads with a NaN label for an example skip it (label unknown).
import type { FeatureBag } from "../src/classifiers/hashed-features.ts";
import type { LinearModel, LinearModelHeader } from "../src/classifiers/linear-model.ts";

export interface TrainingRow {
  bag: FeatureBag;
  extras: Float32Array;
  /** One label per head: 0, 1, or NaN for unknown. */
  labels: Float32Array;
  /** How much the row counts (source balancing). */
  weight: number;
}

export interface FitOptions {
  bits: number;
  heads: string[];
  extras: string[];
  epochs: number;
  learningRate: number;
  /** L2 penalty on the hashed weights, applied lazily at each touch. */
  l2: number;
  seed: number;
}

/** A small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Full-precision weights while training. */
export interface FloatModel {
  options: FitOptions;
  weights: Float32Array;
  dense: Float32Array;
}

export function fitLinear(rows: readonly TrainingRow[], options: FitOptions): FloatModel {
  const heads = options.heads.length;
  const extras = options.extras.length;
  const weights = new Float32Array((1 << options.bits) * heads);
  const squares = new Float32Array(weights.length);
  const dense = new Float32Array((extras + 1) * heads);
  const denseSquares = new Float32Array(dense.length);
  // Each head's classes weigh alike overall.
  const positive = new Float64Array(heads);
  const negative = new Float64Array(heads);
  for (const row of rows)
    for (let head = 0; head < heads; head++) {
      const label = row.labels[head] ?? Number.NaN;
      if (label === 1) positive[head] = (positive[head] ?? 0) + row.weight;
      else if (label === 0) negative[head] = (negative[head] ?? 0) + row.weight;
    }
  const classWeight = (head: number, label: number) => {
    const total = (positive[head] ?? 0) + (negative[head] ?? 0);
    const mine = label === 1 ? (positive[head] ?? 1) : (negative[head] ?? 1);
    return total / (2 * Math.max(mine, 1e-9));
  };
  const random = seededRandom(options.seed);
  const order = rows.map((_, index) => index);
  const rate = options.learningRate;
  const gradients = new Float64Array(heads);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [order[index], order[other]] = [order[other] ?? 0, order[index] ?? 0];
    }
    for (const rowIndex of order) {
      const row = rows[rowIndex];
      if (!row) continue;
      const logits = forward(row, weights, dense, heads, extras);
      let any = false;
      for (let head = 0; head < heads; head++) {
        const label = row.labels[head] ?? Number.NaN;
        if (Number.isNaN(label)) {
          gradients[head] = 0;
          continue;
        }
        any = true;
        const p = 1 / (1 + Math.exp(-(logits[head] ?? 0)));
        gradients[head] = (p - label) * row.weight * classWeight(head, label);
      }
      if (!any) continue;
      for (let feature = 0; feature < row.bag.length; feature++) {
        const base = (row.bag.indices[feature] ?? 0) * heads;
        const value = row.bag.values[feature] ?? 0;
        for (let head = 0; head < heads; head++) {
          const gradient = gradients[head] ?? 0;
          if (gradient === 0) continue;
          const at = base + head;
          const g = gradient * value + options.l2 * (weights[at] ?? 0);
          squares[at] = (squares[at] ?? 0) + g * g;
          weights[at] = (weights[at] ?? 0) - (rate * g) / Math.sqrt((squares[at] ?? 0) + 1e-8);
        }
      }
      for (let extra = 0; extra <= extras; extra++) {
        const value = extra === extras ? 1 : (row.extras[extra] ?? 0);
        if (value === 0) continue;
        for (let head = 0; head < heads; head++) {
          const g = (gradients[head] ?? 0) * value;
          if (g === 0) continue;
          const at = extra * heads + head;
          denseSquares[at] = (denseSquares[at] ?? 0) + g * g;
          dense[at] = (dense[at] ?? 0) - (rate * g) / Math.sqrt((denseSquares[at] ?? 0) + 1e-8);
        }
      }
    }
  }
  return { options, weights, dense };
}

function forward(
  row: TrainingRow,
  weights: Float32Array,
  dense: Float32Array,
  heads: number,
  extras: number,
) {
  const logits = new Float64Array(heads);
  for (let feature = 0; feature < row.bag.length; feature++) {
    const base = (row.bag.indices[feature] ?? 0) * heads;
    const value = row.bag.values[feature] ?? 0;
    for (let head = 0; head < heads; head++)
      logits[head] = (logits[head] ?? 0) + value * (weights[base + head] ?? 0);
  }
  for (let head = 0; head < heads; head++) {
    let sum = (logits[head] ?? 0) + (dense[extras * heads + head] ?? 0);
    for (let extra = 0; extra < extras; extra++)
      sum += (row.extras[extra] ?? 0) * (dense[extra * heads + head] ?? 0);
    logits[head] = sum;
  }
  return logits;
}

/** Quantises the hashed weights to int8 with one scale per head (the dense part stays float32). */
export function quantise(
  model: FloatModel,
  header: Omit<LinearModelHeader, "scales" | "format">,
): LinearModel {
  const heads = model.options.heads.length;
  const scales = new Array<number>(heads).fill(0);
  for (let at = 0; at < model.weights.length; at++) {
    const head = at % heads;
    scales[head] = Math.max(scales[head] ?? 0, Math.abs(model.weights[at] ?? 0));
  }
  for (let head = 0; head < heads; head++) scales[head] = (scales[head] || 1) / 127;
  const weights = new Int8Array(model.weights.length);
  for (let at = 0; at < model.weights.length; at++)
    weights[at] = Math.round((model.weights[at] ?? 0) / (scales[at % heads] ?? 1));
  return { header: { ...header, format: "turnsafe-linear/1", scales }, weights, dense: model.dense };
}
