// SafeMT judging and metrics: the CPU turnsafe adds beyond model calls for 10,000 samples x 5
// lengths (50,000 cases): building and parsing 50,000 judge requests/outputs, ASR and the Safety
// Index, and the report data from a store filled with synthetic results. Run by `npm run bench`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createSafemtJudge } from "../src/benchmarks/safemt/safemt-judge.ts";
import { buildSafemtReport } from "../src/benchmarks/safemt/safemt-report.ts";
import type { Dialogue, Message } from "../src/dialogue/dialogue.ts";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { attackRatesBy, computeSafetyIndex, type SampleOutcome } from "../src/metrics/safety-index.ts";
import { offlineJudgeTarget, scriptedCaller } from "../src/testing/scripted-caller.ts";
import { printFigure } from "./bench-support.ts";

const SAMPLES = Number(process.env.BENCH_SAFEMT_SAMPLES ?? 10_000);
const LENGTHS = [1, 2, 4, 6, 8];
const TARGET = "openai:bench-model";
const SCENARIOS = ["Fraud", "Political", "Health Consultation", "Malware", "Privacy Violation"];
const SOURCES = ["mm", "jbv", "beaver", "mllm"];

// What judge models write, including answers neither label can be read from.
const OUTPUTS = [
  '{"label": "unsafe", "reason": "It lists concrete steps toward the harmful goal."}',
  '{"label": "safe", "reason": "The response declines and points to professional help."}',
  '```json\n{"label": "safe", "reason": "refusal"}\n```',
  "The response explains the risks without giving any method.\n\nVerdict: **safe**",
  "unsafe",
  "I cannot evaluate this conversation.",
];

function dialogueOf(sample: number, length: number): Dialogue {
  const sampleId = `${SOURCES[sample % SOURCES.length]}_bench_${sample}`;
  const messages: Message[] = [];
  for (let turn = 1; turn <= length; turn++) {
    const text = `Turn ${turn} of sample ${sample}: a question about the object in the picture and how it is used, with some detail.`;
    messages.push({
      role: "user",
      content:
        turn === 1
          ? [
              { type: "image", image: { path: "images/bench.png" } },
              { type: "text", text },
            ]
          : [{ type: "text", text }],
    });
    if (turn < length)
      messages.push({
        role: "assistant",
        content: [
          { type: "text", text: `A prepared assistant reply to turn ${turn}, a couple of sentences long.` },
        ],
      });
  }
  return {
    version: 1,
    id: `${sampleId}@${length}`,
    messages,
    labels: {},
    metadata: {
      sampleId,
      length,
      scenario: SCENARIOS[sample % SCENARIOS.length],
      source: SOURCES[sample % SOURCES.length],
      question: `The original harmful query of sample ${sample}?`,
    },
  };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-safemt-bench-"));
try {
  mkdirSync(path.join(dir, "images"));
  writeFileSync(
    path.join(dir, "images/bench.png"),
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366aa" } })
      .png()
      .toBuffer(),
  );
  const cases: Dialogue[] = [];
  for (let sample = 0; sample < SAMPLES; sample++)
    for (const length of LENGTHS) cases.push(dialogueOf(sample, length));
  const answerOf = (index: number) =>
    index % 3 === 0
      ? "Sure, here is how it works. 1. First ... 2. Then ... 3. Finally ..."
      : "I'm sorry, but I can't help with that request.";

  // 1. Judging: building each judge request and reading each output, as a run does per response.
  const judge = createSafemtJudge({ target: offlineJudgeTarget() });
  let call = 0;
  const { caller } = scriptedCaller(() => OUTPUTS[call++ % OUTPUTS.length] ?? "");
  const verdicts: { status: string; label: string | null }[] = [];
  const judgeBefore = process.cpuUsage();
  for (const [index, dialogue] of cases.entries()) {
    const response = answerOf(index);
    const transcript = {
      ...dialogue,
      messages: [
        ...dialogue.messages,
        { role: "assistant" as const, content: [{ type: "text" as const, text: response }] },
      ],
    };
    const verdict = await judge.judge({ transcript, response }, caller);
    verdicts.push({ status: verdict.status, label: verdict.label });
  }
  const judging = cpuSeconds(judgeBefore);

  // 2. ASR by length, Safety Index, ASR by scenario and source.
  const outcomes = cases.map((dialogue, index) => {
    const verdict = verdicts[index];
    const outcome: SampleOutcome =
      verdict?.status === "ok"
        ? (verdict.label as SampleOutcome)
        : verdict?.status === "errored"
          ? "errored"
          : "unparsed";
    return {
      sampleId: String(dialogue.metadata.sampleId),
      length: Number(dialogue.metadata.length),
      outcome,
      scenario: String(dialogue.metadata.scenario),
      source: String(dialogue.metadata.source),
    };
  });
  const metricsBefore = process.cpuUsage();
  const index = computeSafetyIndex(outcomes);
  attackRatesBy(outcomes, (item) => item.scenario);
  attackRatesBy(outcomes, (item) => item.source);
  const metrics = cpuSeconds(metricsBefore);

  // 3. Report data from a store holding the whole run (filling it is not measured).
  const store = new SqliteStore(path.join(dir, "bench.db"));
  const runId = "safemt-bench";
  const now = new Date().toISOString();
  store.putRun({
    id: runId,
    name: "safemt-bench",
    recipe: "safemt",
    status: "completed",
    config: { safemt: { judge: "safemt", conditions: [{ target: TARGET, model: TARGET, defence: "none" }] } },
    simulator: false,
    createdAt: now,
    updatedAt: now,
  });
  store.transaction(() => {
    for (const [position, dialogue] of cases.entries()) {
      const text = answerOf(position);
      store.addCase(runId, dialogue.id, position, dialogue);
      store.finishCase(
        runId,
        dialogue.id,
        "done",
        {
          driver: "replay",
          targets: { [TARGET]: { answers: [{ turn: 1, text, warnings: [] }], error: null } },
        },
        null,
      );
      const verdict = verdicts[position];
      store.putScore({
        runId,
        caseId: dialogue.id,
        scorer: `safemt@${TARGET}`,
        status: (verdict?.status ?? "unparsed") as "ok",
        label: verdict?.label ?? null,
        value: verdict?.label === "unsafe" ? 1 : verdict?.label === "safe" ? 0 : null,
        explanation: null,
        raw: OUTPUTS[position % OUTPUTS.length] ?? null,
        createdAt: now,
      });
    }
  });
  const reportBefore = process.cpuUsage();
  const report = await buildSafemtReport(store, runId, { maxCases: 300, imageBaseDir: dir });
  const reporting = cpuSeconds(reportBefore);
  store.close();
  if (report.cases.length === 0 || index.si === null) throw new Error("the benchmark produced no results");

  const bench = "safemt";
  const figures: [string, number, number | null][] = [
    ["judging_cpu", judging, null],
    ["asr_si_cpu", metrics, null],
    ["report_data_cpu", reporting, null],
    ["total_cpu_beyond_model_calls", judging + metrics + reporting, 5],
  ];
  for (const [metric, value, target] of figures)
    printFigure({ bench, metric, value, unit: "s", target, better: "lower" });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
