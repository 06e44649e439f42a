import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeReportFiles } from "../reports/write-report-files.ts";
import { sampleReportData } from "../testing/sample-report-data.ts";
import { PriceTable } from "./pricing.ts";
import { executeRunSession, type RunSessionSpec } from "./run-session.ts";
import { SqliteStore } from "./sqlite-store.ts";

function session(dir: string, writeReports: RunSessionSpec["writeReports"]): RunSessionSpec {
  return {
    storePath: path.join(dir, "store.db"),
    run: { id: "session-1", name: "session", recipe: "dialogues", config: {}, simulator: false },
    executor: { prices: new PriceTable(), cache: true, endpointConcurrency: 2 },
    play: async () => undefined,
    writeReports,
  };
}

function statusOf(dir: string): string | undefined {
  const store = new SqliteStore(path.join(dir, "store.db"));
  const status = store.getRun("session-1")?.status;
  store.close();
  return status;
}

describe("executeRunSession", () => {
  it("marks a run completed only after its reports are written", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-session-"));
    const reports = path.join(dir, "reports");
    const first = await executeRunSession(
      session(dir, async (_store, runId) => writeReportFiles(reports, runId, sampleReportData())),
    );
    expect(first.run.status).toBe("completed");
    const oldJson = readFileSync(first.reportJson, "utf8");

    // The next session's report writer fails part-way (as a kill there would leave it).
    const failing = session(dir, async (_store, runId) => {
      const data = Object.assign(sampleReportData(), {
        title: "new",
        broken: {
          toJSON() {
            throw new Error("injected report failure");
          },
        },
      });
      return writeReportFiles(reports, runId, data);
    });
    await expect(executeRunSession(failing)).rejects.toThrow(/injected report failure/);
    expect(statusOf(dir)).toBe("failed");
    expect(readFileSync(first.reportJson, "utf8")).toBe(oldJson);
    expect(readdirSync(reports).sort()).toEqual(["session-1.html", "session-1.json"]);
  });

  it("never leaves a completed run without its JSON report", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-session-"));
    const reports = path.join(dir, "reports");
    let statusWhileReporting: string | undefined;
    await expect(
      executeRunSession(
        session(dir, async (store, runId) => {
          statusWhileReporting = store.getRun(runId)?.status;
          throw new Error("killed while writing the report");
        }),
      ),
    ).rejects.toThrow(/killed/);
    expect(statusWhileReporting).toBe("running");
    expect(statusOf(dir)).not.toBe("completed");
    expect(existsSync(path.join(reports, "session-1.json"))).toBe(false);
  });
});

describe("executeRunSession under a run lease", () => {
  it("records nothing more about a run another command took over meanwhile", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-session-"));
    const spec = session(dir, async () => ({ reportHtml: "", reportJson: "" }));
    spec.play = async ({ store, runId }) => {
      // As a command on another host would after this one's heartbeat stopped for 30 s.
      store.acquireRunLease(runId, { id: "elsewhere:9:x", host: "elsewhere.invalid", pid: 9 }, () => false);
      return undefined;
    };
    await expect(executeRunSession(spec)).rejects.toThrow(/was taken over by pid 9 on elsewhere.invalid/);
    expect(statusOf(dir)).toBe("running");
  });

  it("releases the lease when the run ends, also when it fails", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "turnsafe-session-"));
    const spec = session(dir, async () => ({ reportHtml: "", reportJson: "" }));
    spec.play = async () => {
      throw new Error("boom");
    };
    await expect(executeRunSession(spec)).rejects.toThrow("boom");
    const store = new SqliteStore(path.join(dir, "store.db"));
    expect(store.getRunLease("session-1")).toBeUndefined();
    store.close();
    expect(statusOf(dir)).toBe("failed");
  });
});
