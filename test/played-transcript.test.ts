import { describe, expect, it } from "vitest";
import { dialogueUnits } from "../src/benchmarks/dialogues/dialogue-export-units.ts";
import { buildDialogueReport } from "../src/benchmarks/dialogues/dialogue-report.ts";
import { type DialogueCaseResult, runDialogueSuite } from "../src/benchmarks/dialogues/dialogue-suite.ts";
import { safemtCaseViews } from "../src/benchmarks/safemt/safemt-case-views.ts";
import type { Dialogue, Message } from "../src/dialogue/dialogue.ts";
import { CallExecutor } from "../src/engine/call-executor.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { renderCaseBrowser } from "../src/reports/case-browser.ts";
import { exportRows } from "../src/reports/export-rows.ts";
import type { CaseView } from "../src/reports/report-data.ts";
import { storeWithRun } from "../src/testing/store-with-run.ts";
import { scriptedTarget } from "../src/testing/test-target.ts";

const text = (role: Message["role"], value: string): Message => ({
  role,
  content: [{ type: "text", text: value }],
});

/** Plays `dialogues` against a scripted target in a fresh store and returns the store. */
async function played(dialogues: Dialogue[]) {
  const store = storeWithRun({ status: "running" });
  const executor = new CallExecutor({ store, runId: "r", prices: new PriceTable(), newRun: true });
  const target = scriptedTarget((_request, call) => `answer ${call}`, { id: "t" });
  await runDialogueSuite({
    store,
    runId: "r",
    cases: dialogues,
    targets: [target],
    judges: [],
    driver: "auto",
    executor,
    concurrency: 1,
  });
  return store;
}

const turnsOf = (view: CaseView | undefined) => view?.turns.map((turn) => [turn.role, turn.text]);

describe("the played transcript in reports and exports", () => {
  it("shows a replayed run as its static history, assistant turns included, then the one answer", async () => {
    const staticHistory = [
      text("user", "How do locks work?"),
      text("assistant", "Pins and springs."),
      text("user", "And how do I open one without its key?"),
    ];
    const store = await played([
      { version: 1, id: "replayed", messages: staticHistory, labels: {}, metadata: {} },
    ]);
    const expected = [
      ["user", "How do locks work?"],
      ["assistant", "Pins and springs."],
      ["user", "And how do I open one without its key?"],
      ["assistant", "answer 1"],
    ];
    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    expect(turnsOf(report.cases[0])).toEqual(expected);
    expect(report.cases[0]?.transcriptNote).toBeUndefined();
    const [row] = [...exportRows(store, "r", dialogueUnits)];
    expect(row?.answers).toEqual(["answer 1"]);
    expect(row?.transcript?.asPlayed).toBe(true);
    expect(
      row?.transcript?.messages.map((message) => [
        message.role,
        message.content[0]?.type === "text" && message.content[0].text,
      ]),
    ).toEqual(expected);
    // The answer names its stored call.
    const call = row?.transcript?.messages.at(-1)?.call;
    expect(call && store.getCall(call)?.text).toBe("answer 1");
    // SafeMT's case views read the same stored transcript.
    const [safemt] = await safemtCaseViews(
      store,
      "r",
      [{ caseId: "replayed", length: 2, unsafe: 0, problems: 0 }],
      "safemt",
      undefined,
    );
    expect(turnsOf(safemt)).toEqual(expected);
    // Stored compactly: the unchanged history by index, the answer by reference.
    const result = store.getCase("r", "replayed")?.result as DialogueCaseResult;
    expect(result.targets.t?.played).toEqual([0, 1, 2, { answer: 0, call }]);
  });

  it("shows a live run as each user turn followed by the target's own answer", async () => {
    const messages = [text("user", "first"), text("user", "second")];
    const store = await played([{ version: 1, id: "live", messages, labels: {}, metadata: {} }]);
    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    expect(turnsOf(report.cases[0])).toEqual([
      ["user", "first"],
      ["assistant", "answer 1"],
      ["user", "second"],
      ["assistant", "answer 2"],
    ]);
    const [row] = [...exportRows(store, "r", dialogueUnits)];
    const calls = row?.transcript?.messages.flatMap((message) => (message.call ? [message.call] : []));
    expect(calls?.map((key) => store.getCall(key)?.text)).toEqual(["answer 1", "answer 2"]);
  });

  it("shows a result stored before transcripts were kept as the dialogue and answers, labelled not as played", async () => {
    const store = storeWithRun();
    const dialogue: Dialogue = {
      version: 1,
      id: "old",
      messages: [text("user", "one"), text("user", "two")],
      labels: {},
      metadata: {},
    };
    store.addCase("r", "old", 0, dialogue);
    const answers = [
      { turn: 1, text: "a1", warnings: [] },
      { turn: 2, text: "a2", warnings: [] },
    ];
    // `u` has no transcript (an old result); `v` a transcript that does not fit its dialogue.
    const result = {
      driver: "live",
      targets: {
        u: { answers, error: null },
        v: { answers, error: null, played: [0, 7, { answer: 0, call: null }] },
      },
    };
    store.finishCase("r", "old", "done", result, null);
    const report = await buildDialogueReport(store, "r", { maxCases: 10 });
    for (const view of report.cases) {
      expect(turnsOf(view)).toEqual([
        ["user", "one"],
        ["user", "two"],
        ["assistant", "a1"],
        ["assistant", "a2"],
      ]);
      expect(view.transcriptNote).toMatch(/not as played/i);
    }
    expect([...exportRows(store, "r", dialogueUnits)].map((row) => row.transcript?.asPlayed)).toEqual([
      false,
      false,
    ]);
    expect(renderCaseBrowser(report.cases, 0)).toContain(
      "Not as played: this result was stored without its transcript",
    );
  });
});
