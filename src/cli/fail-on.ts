import type { Benchmark, BenchmarkRunSettings } from "../benchmarks/benchmark.ts";
import { metricsByScorer, type ScorerDeclaration } from "../benchmarks/scorer-declaration.ts";
import type { ResultFigure } from "../reports/result-figure.ts";
import {
  checkThresholds,
  parseThresholdRule,
  type ThresholdFailure,
  type ThresholdRule,
  validateThresholdRules,
} from "../reports/thresholds.ts";

/**
 * The arguments of the repeatable `--fail-on <rule>` CI gate option (exit 4 when a rule is
 * crossed) of a benchmark command: `.option(...failOnOption("safety unsafe_rate > 0.05"))`;
 * `example` is a rule that command's scorers accept.
 */
export function failOnOption(
  example: string,
): [string, string, (rule: string, rules: string[]) => string[], string[]] {
  return [
    "--fail-on <rule>",
    `CI gate, repeatable: "<scorer>[@<target>] <metric> <op> <value>", e.g. "${example}"; exit 4 when crossed`,
    (rule, rules) => [...rules, rule],
    [],
  ];
}

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
 * Checks the rules name scorers and metrics the benchmark declares (`Benchmark.scorers`) and
 * targets of the run, before anything runs (bad rule: InputError, exit 2, listing them).
 */
export function validateGate(
  rules: readonly ThresholdRule[],
  scorers: readonly ScorerDeclaration[],
  targets?: readonly string[],
): void {
  validateThresholdRules(rules, metricsByScorer(scorers), "--fail-on / thresholds", targets);
}

/** The scorers a plan's run declares: those of the config the benchmark stores for it. */
export function plannedScorers<Plan extends BenchmarkRunSettings>(
  benchmark: Benchmark<Plan>,
  plan: Plan,
): ScorerDeclaration[] {
  return benchmark.scorers({ config: benchmark.describe(plan).config });
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

/** The gate's verdict as `--json` shows it. */
export function gateJson(verdict: { failures: ThresholdFailure[] }): Record<string, unknown> {
  return {
    passed: verdict.failures.length === 0,
    failures: verdict.failures.map((failure) => ({
      rule: failure.rule.text,
      target: failure.target,
      measured: failure.measured,
      n: failure.n,
    })),
  };
}
