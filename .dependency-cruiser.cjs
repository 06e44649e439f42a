// Layering of src/ (docs/architecture.md, "Layers"): dependencies point one way, down this list.
//   errors.ts, util, contracts, http   (bottom: no project imports but each other; contracts may
//                                       read the Dialogue value's types)
//   dialogue
//   engine
//   targets | sources | drivers | judges | moderators | defences | metrics | reports | simulator | config
//   benchmarks
//   cli | servers
// Tests (*.test.ts, test/), benchmarks of speed (bench/) and test helpers (src/testing/) are exempt
// from the layer rules; production code never imports the test helpers.
const TESTS = "(\\.test\\.ts$|^test/|^bench/|^src/testing/)";
const BOTTOM_RUNTIME = "^src/(errors\\.ts|util/|http/)";
const CONTRACTS = "^src/contracts/";
const DIALOGUE = "^src/dialogue/";
const ENGINE = "^src/engine/";
const PARTS = "^src/(targets|sources|drivers|judges|moderators|defences|metrics|reports|simulator|config)/";
const BENCHMARKS = "^src/benchmarks/";
const TOP = "^src/(cli|servers)/";
// The same tiers as folder names (folder-scope rules see `src/judges`, `src/benchmarks/mtmcs`).
const PARTS_FOLDER =
  "^src/(targets|sources|drivers|judges|moderators|defences|metrics|reports|simulator|config)(/|$)";
const BENCHMARKS_FOLDER = "^src/benchmarks(/|$)";
const TOP_FOLDER = "^src/(cli|servers)(/|$)";

/** A rule: modules matching `from` (tests exempt) may not import any of `to`. */
function upward(name, comment, from, to) {
  return { name, comment, severity: "error", from: { path: from, pathNot: TESTS }, to: { path: to } };
}

module.exports = {
  forbidden: [
    {
      // A loop that crosses tiers always has an upward import, which the layer rules below catch;
      // this one catches loops among the folders of one tier (e.g. moderators <-> targets).
      name: "no-circular-folders",
      comment: "Folders of one tier never import each other in a loop (type-only imports included).",
      severity: "error",
      scope: "folder",
      from: { path: `${PARTS_FOLDER}|${BENCHMARKS_FOLDER}|${TOP_FOLDER}` },
      to: { circular: true, viaSomeNot: "^src/(engine|dialogue|util|contracts|http)(/|$)|^src/errors" },
    },
    {
      name: "no-circular",
      comment: "Modules never import each other in a loop at run time (a type-only import back is fine).",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    upward("bottom-imports-nothing-above", "errors, util and http sit at the bottom.", BOTTOM_RUNTIME, [
      DIALOGUE,
      ENGINE,
      PARTS,
      BENCHMARKS,
      TOP,
    ]),
    upward("contracts-below-engine", "The contracts are types over the Dialogue value only.", CONTRACTS, [
      ENGINE,
      PARTS,
      BENCHMARKS,
      TOP,
    ]),
    {
      name: "contracts-types-only",
      comment: "src/contracts/ holds types: it reads the Dialogue value's types, never runtime code.",
      severity: "error",
      from: { path: CONTRACTS },
      to: { path: DIALOGUE, dependencyTypesNot: ["type-only"] },
    },
    upward("dialogue-imports-only-bottom", "The Dialogue value knows nothing of what uses it.", DIALOGUE, [
      ENGINE,
      PARTS,
      BENCHMARKS,
      TOP,
    ]),
    upward("engine-below-parts", "The engine runs any part; it imports none.", ENGINE, [
      PARTS,
      BENCHMARKS,
      TOP,
    ]),
    upward("parts-below-benchmarks", "Targets, judges, reports... never import a benchmark.", PARTS, [
      BENCHMARKS,
      TOP,
    ]),
    upward(
      "benchmarks-below-cli-and-servers",
      "Benchmarks are library code: no CLI, no servers.",
      BENCHMARKS,
      [TOP],
    ),
    upward("servers-never-import-cli", "Only the CLI reads argv and prints.", "^src/servers/", ["^src/cli/"]),
    {
      name: "no-test-helpers-in-production",
      comment: "src/testing/ is for tests and bench only.",
      severity: "error",
      from: { path: "^src/", pathNot: TESTS },
      to: { path: "^src/testing/" },
    },
    {
      name: "no-unresolvable",
      comment: "Every relative import resolves to a file.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Tests and bench are exempt: not cruised at all (src/testing is, to check nothing in production uses it).
    exclude: { path: ["node_modules", "\\.test\\.ts$"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
