// Figures for the dev split: ROC-AUC, the F1-best threshold, precision/recall/F1/accuracy.

export interface Scored {
  score: number;
  label: 0 | 1;
}

export interface Figures {
  n: number;
  positives: number;
  auc: number;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

/** Area under the ROC curve (ties count half). */
export function rocAuc(rows: readonly Scored[]): number {
  const sorted = [...rows].sort((left, right) => left.score - right.score);
  let rankSum = 0;
  let positives = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end]?.score === sorted[start]?.score) end++;
    const rank = (start + end + 1) / 2;
    for (let index = start; index < end; index++)
      if (sorted[index]?.label === 1) {
        rankSum += rank;
        positives++;
      }
    start = end;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Precision, recall, F1 and accuracy at a threshold (score >= threshold is positive). */
export function at(rows: readonly Scored[], threshold: number): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const row of rows) {
    const yes = row.score >= threshold;
    if (yes && row.label === 1) tp++;
    else if (yes) fp++;
    else if (row.label === 1) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    n: rows.length,
    positives: tp + fn,
    auc: rocAuc(rows),
    threshold,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    accuracy: rows.length === 0 ? 0 : (tp + tn) / rows.length,
  };
}

/** The threshold (on a 0.01 grid) with the best F1 on these rows. */
export function bestThreshold(rows: readonly Scored[]): number {
  let best = 0.5;
  let bestF1 = -1;
  for (let step = 5; step <= 95; step++) {
    const threshold = step / 100;
    const { f1 } = at(rows, threshold);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = threshold;
    }
  }
  return best;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
