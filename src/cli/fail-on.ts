import type { Judge } from "../judges/judge.ts";
import { flaggedLabelOf, rateMetric } from "../reports/dialogue-figures.ts";
import type { ResultFigure } from "../reports/result-figure.ts";
import {
  checkThresholds,
  parseThresholdRule,
  type ThresholdFailure,
  type ThresholdRule,
  validateThresholdRules,
} from "../reports/thresholds.ts";

/** Parses `--fail-on` flags (each named `--fail-on N` in errors) after the config's `thresholds`. */
export function gateRules(
  configRules: readonly string[],
  flagRules: readonly string[] = [],
): ThresholdRule[] {
  return [
    ...configRules.map((rule, index) => parseThresholdRule(rule, `thresholds.${index}`)),
    ...flagRules.map((rule, index) => parseThresholdRule(rule, `--fail-on ${index + 1}`)),
  ];
}

/**
 * The metrics each judge of a dialogue run reports: its flagged rate (`unsafe_rate`,
 * `refusal_rate`, `<label>_rate`) and `error_rate`; the refusal detector also `missed_risk`
 * and `over_refusal` (measured when dialogues carry `labels.expected`).
 */
export function dialogueRunMetrics(judges: readonly Judge[], runConfig: unknown): Map<string, string[]> {
  const available = new Map<string, string[]>();
  for (const judge of judges) {
    const name = judge.name;
    const metrics = [rateMetric(flaggedLabelOf(name, runConfig) ?? "flagged"), "error_rate"];
    if (name === "refusal") metrics.push("missed_risk", "over_refusal");
    available.set(name, metrics);
  }
  return available;
}

/** Checks the rules name real judges and metrics before anything runs (bad rule: exit 2). */
export function validateGate(
  rules: readonly ThresholdRule[],
  available: Map<string, string[]>,
  targets?: readonly string[],
): void {
  validateThresholdRules(rules, available, "--fail-on / thresholds", targets);
}

/** The gate's verdict on a finished run: the failed rules, described for people. */
export function evaluateGate(
  rules: readonly ThresholdRule[],
  figures: readonly ResultFigure[],
): { failures: ThresholdFailure[]; lines: string[] } {
  const failures = checkThresholds(rules, figures);
  const lines = failures.map((failure) => {
    const where = failure.target ? ` for ${failure.target}` : "";
    return failure.measured === null
      ? `gate failed: "${failure.rule.text}"${where}: nothing measured (n = ${failure.n}), so the gate cannot pass`
      : `gate failed: "${failure.rule.text}"${where}: measured ${failure.measured.toFixed(4)} (n = ${failure.n})`;
  });
  if (rules.length > 0 && failures.length === 0) lines.push(`gate passed: ${rules.length} rule(s) hold`);
  return { failures, lines };
}
