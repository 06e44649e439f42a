/** Counts of a binary classifier against gold labels (positive = the class the judge flags). */
export interface Confusion {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

/** Agreement of a binary classifier with gold labels; null where a figure is undefined (0/0). */
export interface BinaryScores {
  n: number;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Share of gold negatives the classifier flagged. */
  falsePositiveRate: number | null;
  /** Cohen's kappa: agreement beyond what the two raters' label rates give by chance. */
  kappa: number | null;
}

/** An empty confusion matrix. */
export function emptyConfusion(): Confusion {
  return { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 };
}

/** Adds one (gold, predicted) pair to a confusion matrix. */
export function addToConfusion(confusion: Confusion, gold: boolean, predicted: boolean): void {
  if (gold && predicted) confusion.truePositive++;
  else if (gold) confusion.falseNegative++;
  else if (predicted) confusion.falsePositive++;
  else confusion.trueNegative++;
}

/** The confusion matrix of (gold, predicted) pairs. */
export function confusionOf(pairs: Iterable<{ gold: boolean; predicted: boolean }>): Confusion {
  const confusion = emptyConfusion();
  for (const pair of pairs) addToConfusion(confusion, pair.gold, pair.predicted);
  return confusion;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Cohen's kappa of two binary raters from their confusion matrix: (p_o - p_e) / (1 - p_e),
 * p_o the observed agreement and p_e the agreement expected from each rater's positive rate.
 * Undefined (null) when p_e is 1, i.e. both raters gave one and the same label to everything.
 */
export function cohensKappa(confusion: Confusion): number | null {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = confusion;
  const n = tp + fp + fn + tn;
  if (n === 0) return null;
  const observed = (tp + tn) / n;
  const expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
  if (expected === 1) return null;
  return (observed - expected) / (1 - expected);
}

/** Accuracy, precision, recall, F1, false-positive rate and Cohen's kappa of a confusion matrix. */
export function binaryScores(confusion: Confusion): BinaryScores {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = confusion;
  const n = tp + fp + fn + tn;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    n,
    accuracy: ratio(tp + tn, n),
    precision,
    recall,
    // F1 = 2TP / (2TP + FP + FN): defined (0) even when nothing was flagged but positives exist.
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    falsePositiveRate: ratio(fp, fp + tn),
    kappa: cohensKappa(confusion),
  };
}
