import { crc32, deflateSync } from "node:zlib";
import type { Dialogue } from "../dialogue/dialogue.ts";
import { workKey } from "../engine/request-hash.ts";
import type { Store } from "../engine/store.ts";

/** A small striped PNG (base64), drawn here so the fixture needs no image file. */
function stripedPng(width: number, height: number): string {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const on = Math.floor((x + y) / 12) % 2 === 0;
      row.set(on ? [220, 60, 50] : [250, 235, 200], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]).toString("base64");
}

/** The image of the fixture's image cases (a 240x160 striped PNG). */
export const FIXTURE_PNG = stripedPng(240, 160);

const CATEGORIES = ["weapons", "self-harm", "fraud", "privacy"];

export interface ViewerRunOptions {
  runId: string;
  cases: number;
  targets?: string[];
  /** Seed for which cases are unsafe; two runs with different seeds differ on some cases. */
  seed?: number;
  status?: "running" | "completed";
  /** Cases registered but not finished (pending), after the finished ones. */
  pending?: number;
}

/** Whether case `index` of a run seeded `seed` is judged unsafe (about one in four). */
export function fixtureUnsafe(index: number, seed: number): boolean {
  return ((index * 7919 + seed * 104729) % 97) % 4 === 0;
}

/**
 * Fills `store` with a dialogue run as the viewer sees it: cases of 1-3 user turns (every fifth
 * with an inline image), each target's answers, safety verdicts (unsafe/safe, every 50th
 * unparsed), 1-5 harm scores, every 40th case errored.
 */
export function fillViewerRun(store: Store, options: ViewerRunOptions): void {
  const targets = options.targets ?? ["sim:alpha", "sim:beta"];
  const seed = options.seed ?? 1;
  const at = "2026-01-01T00:00:00.000Z";
  store.putRun({
    id: options.runId,
    name: options.runId,
    recipe: "dialogues",
    status: options.status ?? "completed",
    config: { targets },
    simulator: true,
    createdAt: at,
    updatedAt: at,
  });
  const pending = options.pending ?? 0;
  store.transaction(() => {
    for (let index = 0; index < options.cases + pending; index++) {
      const dialogue = fixtureDialogue(index);
      store.addCase(options.runId, dialogue.id, index, dialogue);
      if (index >= options.cases) continue;
      finishFixtureCase(store, options.runId, dialogue, index, targets, seed);
    }
  });
}

/** The fixture's dialogue number `index`. */
export function fixtureDialogue(index: number): Dialogue {
  const turns = 1 + (index % 3);
  const messages: Dialogue["messages"] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const text = {
      type: "text" as const,
      text: `Case ${index} turn ${turn}: tell me about topic-${index % 997}`,
    };
    messages.push({
      role: "user",
      content:
        turn === 1 && index % 5 === 0
          ? [text, { type: "image", image: { base64: FIXTURE_PNG, mediaType: "image/png" } }]
          : [text],
    });
  }
  return {
    version: 1,
    id: `case-${String(index).padStart(6, "0")}`,
    messages,
    labels: { expected: "refuse" },
    metadata: { category: CATEGORIES[index % CATEGORIES.length] },
  };
}

/** Finishes one fixture case: answers, verdicts and scores for every target. */
export function finishFixtureCase(
  store: Store,
  runId: string,
  dialogue: Dialogue,
  index: number,
  targets: readonly string[],
  seed: number,
): void {
  const turns = dialogue.messages.length;
  const errored = index % 40 === 39;
  const result = {
    driver: "live",
    targets: Object.fromEntries(
      targets.map((target, t) => {
        const failed = errored && t === targets.length - 1;
        const answers = failed
          ? []
          : Array.from({ length: turns }, (_, turn) => ({
              turn: turn + 1,
              text: fixtureUnsafe(index + t, seed)
                ? `Sure, here is how (case ${index}, turn ${turn + 1}).`
                : `I can't help with that (case ${index}).`,
              warnings: [],
            }));
        // As played: each user turn (source message i), then its answer; the last one names its call.
        const played = failed
          ? undefined
          : answers.flatMap((_, turn) => [
              turn,
              {
                answer: turn,
                call:
                  turn === turns - 1
                    ? workKey(runId, dialogue.id, "target", `${target}/turn-${turns}`)
                    : null,
              },
            ]);
        return [target, { answers, played, error: failed ? "HTTP 500 from the endpoint" : null }];
      }),
    ),
  };
  for (const [t, target] of targets.entries()) {
    const failed = errored && t === targets.length - 1;
    const text = result.targets[target]?.answers.at(-1)?.text ?? null;
    const requestHash = `fixture-${runId}-${index}-${t}`;
    if (text !== null)
      store.putCachedResponse({
        requestHash,
        targetFingerprint: target,
        text,
        usage: { inputTokens: 40 * turns, outputTokens: 12 },
        finishReason: "stop",
        modelId: target,
      });
    store.putCall({
      workKey: workKey(runId, dialogue.id, "target", `${target}/turn-${turns}`),
      runId,
      caseId: dialogue.id,
      role: "target",
      targetId: target,
      requestHash,
      status: failed ? "errored" : "ok",
      cached: index % 10 === 3,
      attempts: failed ? 3 : 1,
      rateLimited: 0,
      serverErrors: failed ? 3 : 0,
      error: failed ? "HTTP 500 from the endpoint" : null,
      text: failed ? null : text,
      usage: { inputTokens: 40 * turns, outputTokens: 12 },
      costUsd: 0.0001,
      latencyMs: 120 + (index % 50),
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    if (failed) continue;
    const unsafe = fixtureUnsafe(index + t, seed);
    const unparsed = index % 50 === 7;
    store.putScore({
      runId,
      caseId: dialogue.id,
      scorer: `safety@${target}`,
      status: unparsed ? "unparsed" : "ok",
      label: unparsed ? null : unsafe ? "unsafe" : "safe",
      value: unparsed ? null : unsafe ? 1 : 0,
      explanation: unparsed ? null : unsafe ? "The answer gives operational detail (turn 1)." : "Refused.",
      raw: unparsed ? "I am not sure how to rate this." : unsafe ? "unsafe" : "safe",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    store.putScore({
      runId,
      caseId: dialogue.id,
      scorer: `harm@${target}`,
      status: "ok",
      label: null,
      value: unsafe ? 3 + ((index + seed) % 3) : 1 + ((index + seed) % 2),
      explanation: "Harm on a 1-5 scale.",
      raw: null,
      createdAt: "2026-01-01T00:00:00.000Z",
    });
  }
  const outcomes = Object.fromEntries(
    targets.map((target, t) => [
      target,
      errored && t === targets.length - 1 ? "HTTP 500 from the endpoint" : null,
    ]),
  );
  store.finishCase(
    runId,
    dialogue.id,
    errored ? "errored" : "done",
    result,
    errored ? "HTTP 500 from the endpoint" : null,
    outcomes,
  );
}
