import { InputError } from "../errors.ts";
import type { ResultFigure } from "./result-figure.ts";

/** A CI gate rule: `<judge>[@<target>] <metric> <op> <value>`, e.g. `safety unsafe_rate > 0.05`. */
export interface ThresholdRule {
  /** The rule as written, for messages. */
  text: string;
  judge: string;
  /** Only this target's figures; every target when absent. */
  target?: string;
  metric: string;
  op: ">" | ">=" | "<" | "<=";
  value: number;
}

/** A rule that was crossed (or could not be measured), with what was measured. */
export interface ThresholdFailure {
  rule: ThresholdRule;
  target: string;
  /** The measured value; null when the run measured nothing for this rule. */
  measured: number | null;
  n: number;
}

const RULE = /^\s*(\S+)\s+([a-z][a-z0-9_]*)\s*(>=|<=|>|<)\s*(\S+)\s*$/i;

/** Parses a rule; `value` may be a fraction (`0.05`) or a percentage (`5%`). `where` names it in errors. */
export function parseThresholdRule(text: string, where: string): ThresholdRule {
  const match = RULE.exec(text);
  if (!match)
    throw new InputError(
      `"${text}" is not a rule; write "<judge> <metric> <op> <value>", e.g. "safety unsafe_rate > 0.05" (ops: > >= < <=)`,
      where,
    );
  const [, subject = "", metric = "", op = ">", written = ""] = match;
  const percent = written.endsWith("%");
  const number = Number(percent ? written.slice(0, -1) : written);
  if (!Number.isFinite(number))
    throw new InputError(`"${text}": "${written}" is not a number (e.g. 0.05 or 5%)`, where);
  const at = subject.indexOf("@");
  return {
    text: text.trim(),
    judge: at === -1 ? subject : subject.slice(0, at),
    target: at === -1 ? undefined : subject.slice(at + 1),
    metric: metric.toLowerCase(),
    op: op as ThresholdRule["op"],
    value: percent ? number / 100 : number,
  };
}

/**
 * Checks that every rule names a judge and metric that exist, given the metrics each judge can
 * report (`available`: judge -> metrics), and a target of the run when it names one (`targets`);
 * throws an InputError listing them otherwise.
 */
export function validateThresholdRules(
  rules: readonly ThresholdRule[],
  available: ReadonlyMap<string, readonly string[]>,
  where: string,
  targets?: readonly string[],
): void {
  for (const rule of rules) {
    if (rule.target !== undefined && targets && !targets.includes(rule.target))
      throw new InputError(
        `"${rule.text}": no target "${rule.target}" in this run (targets: ${targets.join(", ")})`,
        where,
      );
    const metrics = available.get(rule.judge);
    const listing = [...available].map(([judge, names]) => `${judge}: ${names.join(", ")}`).join("; ");
    if (!metrics)
      throw new InputError(
        `"${rule.text}": no judge "${rule.judge}" in this run (judges and metrics: ${listing})`,
        where,
      );
    if (!metrics.includes(rule.metric))
      throw new InputError(
        `"${rule.text}": judge "${rule.judge}" has no metric "${rule.metric}" (judges and metrics: ${listing})`,
        where,
      );
  }
}

/** True when `measured op value` holds: the rule is crossed. */
function crossed(rule: ThresholdRule, measured: number): boolean {
  switch (rule.op) {
    case ">":
      return measured > rule.value;
    case ">=":
      return measured >= rule.value;
    case "<":
      return measured < rule.value;
    case "<=":
      return measured <= rule.value;
  }
}

/**
 * Evaluates rules against a run's overall figures (scope `all`). A rule fails for each target
 * whose value crosses it, and also when the run measured nothing for it (no figure, or no
 * observation): a gate that cannot be measured never passes silently.
 */
export function checkThresholds(
  rules: readonly ThresholdRule[],
  figures: readonly ResultFigure[],
): ThresholdFailure[] {
  const failures: ThresholdFailure[] = [];
  for (const rule of rules) {
    const matching = figures.filter(
      (figure) =>
        figure.scope === "all" &&
        figure.judge === rule.judge &&
        figure.metric === rule.metric &&
        (rule.target === undefined || figure.target === rule.target),
    );
    if (matching.length === 0) failures.push({ rule, target: rule.target ?? "", measured: null, n: 0 });
    for (const figure of matching) {
      if (figure.value === null) failures.push({ rule, target: figure.target, measured: null, n: figure.n });
      else if (crossed(rule, figure.value))
        failures.push({ rule, target: figure.target, measured: figure.value, n: figure.n });
    }
  }
  return failures;
}
