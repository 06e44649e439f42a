#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=100
// Entry point: checks the Node version, quiets Node's experimental-feature notices
// (type stripping, node:sqlite) and hands over to the TypeScript CLI.
// --max-semi-space-size=8 caps V8's young generation at 8 MB per semi-space: model calls allocate
// fast, and by default V8 grows the young generation to hundreds of MB of resident memory on
// long runs for no gain in speed. --heap-growing-percent=100 lets the old generation grow to twice
// what survived the last full collection before the next one. V8 otherwise picks up to four times
// on a machine with memory to spare, and a 100,000-dialogue run peaks near 300 MB resident instead
// of ~230 MB (see README, benchmarks). Keep in sync with bench/run-all.ts and the "turnsafe" npm script.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `turnsafe needs Node 24 or newer (this is ${process.version}). Run it through npm so the pinned ` +
      "node@24 dev dependency is used: `npx turnsafe ...` or `npm run turnsafe -- ...`.\n",
  );
  process.exit(2);
}
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
});
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv);
// Exit at once: idle keep-alive connections to model servers would otherwise hold the
// process open for seconds after the work is done (stdout and stderr are synchronous here).
process.exit(code);
