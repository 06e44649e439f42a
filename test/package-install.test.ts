import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const REPO = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/** The environment for npm: offline, quiet, and free of the npm_* settings of the npm that started vitest. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("npm_")) env[key] = value;
  return {
    ...env,
    npm_config_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
}

async function sh(command: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/**
 * The app's lockfile, pinning turnsafe's dependencies to the versions of the repo's own lockfile with
 * their registry tarball URLs: npm then installs from the tarballs in its cache and needs no package
 * metadata, which the cache may hold only in abbreviated form (`npm install --offline` of the bare
 * tarball then fails with ENOTCACHED even though every tarball is there).
 */
function seededLockfile(tarball: string): unknown {
  const repoLock = JSON.parse(readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; version?: string; resolved?: string }>;
  };
  const manifest = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
  const packages: Record<string, unknown> = {
    "": { name: "app", dependencies: { turnsafe: `file:${tarball}` } },
    "node_modules/turnsafe": {
      version: manifest.version,
      resolved: `file:${tarball}`,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
    },
  };
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    if (key === "" || entry.dev || !key.startsWith("node_modules/")) continue;
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    const { devOptional: _, ...rest } = entry;
    packages[key] = {
      ...rest,
      resolved:
        entry.resolved ??
        `https://registry.npmjs.org/${name}/-/${name.split("/").at(-1)}-${entry.version}.tgz`,
    };
  }
  return { name: "app", lockfileVersion: 3, requires: true, packages };
}

describe("installable as a package", () => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "turnsafe-package-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("npm pack, npm install the tarball elsewhere, npx turnsafe quickstart", {
    timeout: 900_000,
  }, async (context) => {
    // npm pack runs `prepack`, which builds dist/ from src/ (dist/ is not in git).
    const packed = await sh("npm", ["pack", "--pack-destination", dir, "--json"], REPO);
    expect(packed.code, packed.stderr).toBe(0);
    const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = pack?.files.map((file) => file.path) ?? [];
    expect(files).toContain("bin/turnsafe.js");
    expect(files).toContain("dist/cli/main.js");
    expect(files.filter((file) => /^(src|test|bench)\/|\.test\.js$|\.ts$/.test(file))).toEqual([]);

    const app = path.join(dir, "app");
    mkdirSync(app);
    const tarball = path.join("..", pack?.filename ?? "");
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "app", private: true, dependencies: { turnsafe: `file:${tarball}` } }),
    );
    writeFileSync(path.join(app, "package-lock.json"), JSON.stringify(seededLockfile(tarball), null, 2));
    const installed = await sh("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], app);
    if (installed.code !== 0 && /ENOTCACHED/.test(installed.stderr)) {
      console.warn(
        `package-install test skipped: npm's cache lacks a dependency and there is no network\n${installed.stderr}`,
      );
      context.skip();
    }
    expect(installed.code, installed.stderr).toBe(0);
    expect(existsSync(path.join(app, "node_modules", "turnsafe", "src"))).toBe(false);

    const quickstart = await sh("npx", ["--offline", "turnsafe", "quickstart", "--dir", "x", "--json"], app);
    expect(quickstart.code, quickstart.stderr).toBe(0);
    const summary = JSON.parse(quickstart.stdout);
    expect(summary).toMatchObject({ status: "completed", cases: { done: 36, errored: 0 } });
    expect(summary.report.html).toBe(path.join(app, "x", "reports", `${summary.runId}.html`));
    expect(readFileSync(summary.report.html, "utf8")).toContain("not a model");
    // The Python adapters ship in python/ and the built CLI finds them.
    const adapter = await sh("npx", ["--offline", "turnsafe", "reward", "adapter", "trl"], app);
    expect(adapter.code, adapter.stderr).toBe(0);
    expect(adapter.stdout).toContain("class TurnsafeReward");
  });
});
