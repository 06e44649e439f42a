import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../src/engine/sqlite-store.ts";
import { fillViewerRun } from "../src/testing/viewer-fixture.ts";
import { runCli, startCli } from "./cli-helpers.ts";

describe("turnsafe view", () => {
  it("refuses a host beyond loopback without an access key, naming the flag", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "turnsafe-view-cli-"));
    const file = path.join(folder, "store.db");
    new SqliteStore(file).close();
    const result = await runCli(["view", "--store", file, "--host", "0.0.0.0", "--port", "0"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--access-key-env");
  });

  it("serves the store's runs on 127.0.0.1 and prints its URL", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "turnsafe-view-cli-"));
    const file = path.join(folder, "store.db");
    const store = new SqliteStore(file);
    fillViewerRun(store, { runId: "cli-run", cases: 5 });
    store.close();
    const child = startCli(["view", "--store", file, "--port", "0", "--json"]);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        if (!child.stdout) return reject(new Error("no stdout"));
        createInterface({ input: child.stdout }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`view exited with ${code}`)));
      });
      const { url, labels } = JSON.parse(line) as { url: string; labels: boolean };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(labels).toBe(false);
      expect(await (await fetch(url)).text()).toContain("cli-run");
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
});
