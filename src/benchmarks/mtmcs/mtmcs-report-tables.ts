import { meanInterval, wilsonInterval } from "../../metrics/proportion.ts";
import type { ChartSpec, MetricTable, ReportData } from "../../reports/report-data.ts";
import { accuracies, type IntentTally, type JudgedDialogue, type MtmcsGroup } from "./mtmcs-aggregate.ts";

const GROUP_COLUMNS = ["split", "modality", "target", "defence"];
const groupCells = (group: MtmcsGroup) => [group.split, group.modality, group.targetId, group.defence];

function intentCells(tally: IntentTally): (number | null)[] {
  const interval = wilsonInterval(tally.correct, tally.parsed);
  return [
    interval.rate,
    interval.low,
    interval.high,
    accuracies(tally).strict,
    tally.unparsed,
    tally.errored,
  ];
}

/** MCQ accuracy per group, safe and unsafe items apart (reference and strict). */
export function mcqTable(groups: MtmcsGroup[]): MetricTable {
  const side = (name: string) => [
    `${name} accuracy`,
    "low",
    "high",
    `${name} strict`,
    `${name} unparsed`,
    `${name} errored`,
  ];
  const formats = ["percent", "interval-low", "interval-high", "percent", "integer", "integer"] as const;
  return {
    title: "Intent recognition: multiple choice",
    note: "Accuracy = correct / parsed answers (the reference metric), with 95% Wilson intervals; strict counts unparsed answers as wrong. Safe items are asked over the safe dialogue, unsafe items over the unsafe one. Errored calls are left out of both and counted.",
    columns: [...GROUP_COLUMNS, ...side("safe"), ...side("unsafe")],
    formats: ["text", "text", "text", "text", ...formats, ...formats],
    rows: groups.map((group) => [
      ...groupCells(group),
      ...intentCells(group.mcqSafe),
      ...intentCells(group.mcqUnsafe),
    ]),
  };
}

/** True/false accuracy per group (reference and strict, unparsed counts). */
export function trueFalseTable(groups: MtmcsGroup[]): MetricTable {
  return {
    title: "Intent recognition: true/false (unsafe dialogues)",
    note: "An answer counts only when it starts with true or false. Accuracy over parsed answers (reference) with 95% Wilson intervals; strict counts unparsed as wrong.",
    columns: [...GROUP_COLUMNS, "accuracy", "low", "high", "strict", "answered", "unparsed", "errored"],
    formats: [
      "text",
      "text",
      "text",
      "text",
      "percent",
      "interval-low",
      "interval-high",
      "percent",
      "integer",
      "integer",
      "integer",
    ],
    rows: groups.map((group) => {
      const [rate, low, high, strict, unparsed, errored] = intentCells(group.trueFalse);
      return [
        ...groupCells(group),
        rate ?? null,
        low ?? null,
        high ?? null,
        strict ?? null,
        group.trueFalse.parsed,
        unparsed ?? 0,
        errored ?? 0,
      ];
    }),
  };
}

/** SA and helpfulness means with 95% t intervals per group. */
export function judgeTable(groups: MtmcsGroup[]): MetricTable {
  const cells = (values: number[], unparsed: number, errored: number) => {
    const interval = meanInterval(values);
    return [interval.mean, interval.low, interval.high, interval.n, unparsed + errored];
  };
  const formats = ["number", "interval-low", "interval-high", "integer", "integer"] as const;
  return {
    title: "Safety awareness and helpfulness (judge, 1-5)",
    note: "SA is judged on unsafe dialogues, helpfulness on safe ones; means with 95% Student-t intervals. Judgements without a score (unparsed or errored) are excluded and counted.",
    columns: [
      ...GROUP_COLUMNS,
      "SA mean",
      "low",
      "high",
      "SA judged",
      "SA no score",
      "help mean",
      "low",
      "high",
      "help judged",
      "help no score",
      "failed dialogues",
    ],
    formats: ["text", "text", "text", "text", ...formats, ...formats, "integer"],
    rows: groups.map((group) => [
      ...groupCells(group),
      ...cells(group.safetyAwareness.values, group.safetyAwareness.unparsed, group.safetyAwareness.errored),
      ...cells(group.helpfulness.values, group.helpfulness.unparsed, group.helpfulness.errored),
      group.failedDialogues,
    ]),
  };
}

/** The lowest-scored dialogues, each linked to its entry in the case browser. */
export function worstTable(
  title: string,
  entries: JudgedDialogue[],
  linkOf: Map<string, number>,
): MetricTable {
  return {
    title,
    note: "Each case links to its transcript in the case browser below.",
    columns: ["case", "target", "defence", "split", "modality", "score", "judge's explanation"],
    formats: ["text", "text", "text", "text", "text", "integer", "text"],
    rows: entries.map((entry) => [
      entry.caseId,
      entry.targetId,
      entry.defence,
      entry.split,
      entry.modality,
      entry.value,
      entry.explanation ?? "",
    ]),
    caseLinks: entries.map((entry) => linkOf.get(`${entry.caseId}\u001f${entry.armKey}`) ?? null),
  };
}

/** One SA-vs-helpfulness scatter per split x modality: a point per model x defence. */
export function tradeOffCharts(groups: MtmcsGroup[]): ChartSpec[] {
  const panels = new Map<string, MtmcsGroup[]>();
  for (const group of groups) {
    const key = `${group.split} · ${group.modality}`;
    panels.set(key, [...(panels.get(key) ?? []), group]);
  }
  return [...panels].map(([panel, members]) => {
    const series = new Map<string, ChartSpec["series"][number]>();
    for (const group of members) {
      const safety = meanInterval(group.safetyAwareness.values);
      const help = meanInterval(group.helpfulness.values);
      if (safety.mean === null || help.mean === null) continue;
      const entry = series.get(group.targetId) ?? { name: group.targetId, points: [] };
      entry.points.push({
        x: help.mean,
        y: safety.mean,
        low: safety.low ?? undefined,
        high: safety.high ?? undefined,
        label: group.defence,
      });
      series.set(group.targetId, entry);
    }
    return {
      kind: "scatter" as const,
      title: `Safety awareness vs helpfulness (${panel})`,
      xLabel: "helpfulness (mean, 1-5)",
      yLabel: "safety awareness (mean, 1-5)",
      xRange: [1, 5] as [number, number],
      yRange: [1, 5] as [number, number],
      series: [...series.values()],
    };
  });
}

/** Groups (split x modality x model x defence) given a headline card; the tables list them all. */
const HEADLINE_GROUPS = 12;

/** Headline cards: cases, then SA and helpfulness per group (the first few, saying so when cut). */
export function headline(groups: MtmcsGroup[], counts: ReportData["counts"]): ReportData["headline"] {
  const figures: ReportData["headline"] = [
    {
      label: "cases",
      value: `${counts.done} done / ${counts.cases}`,
      note: counts.errored ? `${counts.errored} errored` : undefined,
    },
  ];
  for (const group of groups.slice(0, HEADLINE_GROUPS)) {
    const safety = meanInterval(group.safetyAwareness.values).mean;
    const help = meanInterval(group.helpfulness.values).mean;
    const show = (value: number | null) => (value === null ? "—" : value.toFixed(2));
    figures.push({
      label: `${group.split} ${group.modality} · ${group.targetId} · ${group.defence}`,
      value: `SA ${show(safety)} · help ${show(help)}`,
    });
  }
  if (groups.length > HEADLINE_GROUPS)
    figures.push({
      label: "headline cards",
      value: `showing ${HEADLINE_GROUPS} of ${groups.length} groups`,
      note: "every group is in the tables below",
    });
  return figures;
}

/** One case as one arm played it: the conversation with that arm's answers and its scores. */
