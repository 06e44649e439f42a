#!/usr/bin/env -S node --max-semi-space-size=32 --heap-growing-percent=100
// Entry point: checks the Node version, quiets Node's experimental-feature notices
// (type stripping, node:sqlite) and hands over to the CLI: the TypeScript sources in a checkout
// (src/ present), the JavaScript built into dist/ in an installed package (src/ is not shipped).
// --max-semi-space-size=32 caps V8's young generation at 32 MB per semi-space: by default V8 grows
// it to hundreds of MB of resident memory on long runs, while much smaller (8 MB) makes requests
// still in flight outlive two collections and get copied into the old generation, which cost about
// 60 µs of CPU per call. --heap-growing-percent=100 lets the old generation grow to twice what
// survived the last full collection before the next one; V8 otherwise picks up to four times on a
// machine with memory to spare, and a 100,000-dialogue run then peaks above 300 MB resident
// (see README, benchmarks). Keep in sync with bench/run-all.ts and the "turnsafe" npm script.
import { existsSync } from "node:fs";
import module from "node:module";

const fromSources = existsSync(new URL("../src/cli/main.ts", import.meta.url));
// The sources need Node's type stripping (Node 24 here, pinned as a dev dependency); the built
// JavaScript needs node:sqlite with `isTransaction` (22.16); no `engines` field, so that npm does
// not warn on every `npx turnsafe` in a checkout whose system Node is older than the pinned one.
const [minMajor, minMinor] = fromSources ? [24, 0] : [22, 16];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < minMajor || (major === minMajor && minor < minMinor)) {
  process.stderr.write(
    `turnsafe needs Node ${minMajor}.${minMinor} or newer (this is ${process.version}). ` +
      (fromSources
        ? "Run it through npm so the pinned node@24 dev dependency is used: `npx turnsafe ...` or `npm run turnsafe -- ...`.\n"
        : "Install a newer Node (https://nodejs.org) and run turnsafe again.\n"),
  );
  process.exit(2);
}
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
});
// Node caches compiled code (and, for the TypeScript sources, the type-stripped text) in its
// compile cache (os.tmpdir()/node-compile-cache unless NODE_COMPILE_CACHE says otherwise; checked
// against each file's content): it halves the CPU of loading turnsafe's modules on every command
// after the first. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
const { main } = await import(fromSources ? "../src/cli/main.ts" : "../dist/cli/main.js");
const code = await main(process.argv, { standalone: true });
// Exit at once: idle keep-alive connections to model servers would otherwise hold the
// process open for seconds after the work is done (main waits for stdout and stderr to flush).
process.exit(code);
