import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "./cli-helpers.ts";

// `turnsafe sim serve` in its own process, used as an ordinary OpenAI-compatible target: nothing
// in the run's configuration says "simulator", only the answers do.
describe("a run against `turnsafe sim serve`", () => {
  let server: ReturnType<typeof startCli>;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "turnsafe-sim-serve-"));
    server = startCli(["sim", "serve", "--port", "0", "--json"]);
    url = await new Promise<string>((resolve, reject) => {
      let printed = "";
      server.stdout?.on("data", (chunk) => {
        printed += String(chunk);
        const line = printed.split("\n").find((entry) => entry.startsWith("{"));
        if (line) resolve(JSON.parse(line).url);
      });
      server.on("exit", (code) => reject(new Error(`sim serve exited with ${code}`)));
    });
    writeFileSync(
      path.join(dir, "dialogues.jsonl"),
      `${JSON.stringify({ id: "a", messages: [{ role: "user", content: "hello" }] })}\n`,
    );
  });
  afterAll(() => {
    server.kill("SIGTERM");
  });

  it("is marked as simulator results: in the summary, the store and the report's banner, also when resumed", async () => {
    writeFileSync(
      path.join(dir, "config.yaml"),
      [
        "name: served",
        "data: dialogues.jsonl",
        `target: openai-compatible:turnsafe-sim@${url}`,
        "judges: [refusal]",
        "store: store.db",
        "reportDir: reports",
      ].join("\n"),
    );
    const result = await runCli(["run", path.join(dir, "config.yaml"), "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.simulator).toBe(true);
    expect(readFileSync(summary.report.html, "utf8")).toContain("scripted replies, not a model");
    const runs = await runCli(["runs", "--store", path.join(dir, "store.db"), "--json"]);
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ name: "served", simulator: true });

    const again = await runCli(["run", path.join(dir, "config.yaml"), "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, simulator: true });
  });
});
