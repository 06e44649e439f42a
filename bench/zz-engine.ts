import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Dialogue, Message } from "../src/dialogue/dialogue.ts";
import { PriceTable } from "../src/engine/pricing.ts";
import { scriptedTarget } from "../src/engine/test-target.ts";
import { executeDialogueRun } from "../src/recipes/run-dialogues.ts";

const CALLS = 20000;
function* dialogues(): Generator<Dialogue> {
  for (let index = 0; index < CALLS; index++) {
    const messages: Message[] = [];
    for (let turn = 1; turn <= 8; turn++) {
      messages.push({
        role: "user",
        content: [
          {
            type: "text",
            text: `Case ${index}, turn ${turn}: tell me more about topic ${turn} of the story so far.`,
          },
        ],
      });
      if (turn < 8)
        messages.push({
          role: "assistant",
          content: [
            {
              type: "text",
              text: `Here is part ${turn} of the answer, with a few sentences of detail about the topic.`,
            },
          ],
        });
    }
    yield { version: 1, id: `bench-${index}`, messages, labels: {}, metadata: {} };
  }
}
const dir = mkdtempSync(path.join(tmpdir(), "zz-"));
const target = scriptedTarget(() => "A short scripted answer.");
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await executeDialogueRun({
  name: "e",
  dataIdentity: "e",
  cases: dialogues,
  imageBaseDir: dir,
  targets: [target],
  judges: [],
  driver: "replay",
  storePath: path.join(dir, "e.db"),
  reportDir: path.join(dir, "r"),
  concurrency: 128,
  endpointConcurrency: 64,
  cache: true,
  retry: {},
  prices: new PriceTable(),
  reportCases: 20,
  config: {},
});
const cpu = process.cpuUsage(cpu0);
console.log(
  "engine-only cpu us/call",
  ((cpu.user + cpu.system) / CALLS).toFixed(1),
  "wall s",
  ((performance.now() - t0) / 1000).toFixed(1),
);
