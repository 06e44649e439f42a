import type { ThresholdRule } from "../reports/thresholds.ts";
import { evaluateGate, gateJson } from "./fail-on.ts";
import { formatResultsTable, headlineJson, readRunResults } from "./results-table.ts";

/**
 * What a run command shows of its results: the table and the gate's verdict (human lines), and
 * the same figures as numbers for `--json` (`headline`, `figures`, `costUsd`, `gate`).
 */
export function presentResults(
  reportJson: string,
  gate: readonly ThresholdRule[],
): { lines: string[]; json: Record<string, unknown>; gateFailed: boolean } {
  const results = readRunResults(reportJson);
  const verdict = evaluateGate(gate, results.figures);
  const costUsd = results.usage.reduce((sum, row) => sum + row.costUsd, 0);
  return {
    lines: [...framed([...formatResultsTable(results), ...verdict.lines])],
    json: {
      headline: headlineJson(results),
      figures: results.figures,
      costUsd,
      ...(gate.length > 0 ? { gate: gateJson(verdict) } : {}),
    },
    gateFailed: verdict.failures.length > 0,
  };
}

/** Blank lines around a block, so the table stands apart from the summary; nothing when empty. */
function framed(lines: string[]): string[] {
  return lines.length === 0 ? [] : ["", ...lines, ""];
}
