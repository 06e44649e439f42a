import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workKey } from "../../engine/request-hash.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { simulatedImage } from "../../simulator/image-route.ts";
import { REDTEAM_SIMULATOR_SCRIPT_YAML } from "../../simulator/redteam-script.ts";
import { createImageModel } from "../../targets/image-model.ts";
import { parseTargetSpec } from "../../targets/provider-spec.ts";
import { type RedteamFixture, redteamFixture } from "../../testing/redteam-fixture.ts";
import { executeRedteamRun } from "./redteam-benchmark.ts";
import { searchCaseId } from "./redteam-run.ts";
import type { SearchResult } from "./run-search.ts";
import { searchTreeView } from "./search-tree-view.ts";

// The scripted attacker asks for a generated image with every plan.
const YAML = REDTEAM_SIMULATOR_SCRIPT_YAML.replace(
  "image_probability: 0.7",
  "image_probability: 0.5",
).replace("new_image_probability: 0.2", "new_image_probability: 1");

let fixture: RedteamFixture;
beforeAll(async () => {
  fixture = await redteamFixture(YAML);
});
afterAll(async () => {
  await fixture.simulator.close();
});

interface WireMessage {
  role: string;
  content: string | { type: string; text?: string; image_url?: { url: string } }[];
}
const bodies = () =>
  fixture.simulator.requests as { model?: string; messages?: WireMessage[]; prompt?: string }[];
const textOf = (message: WireMessage) =>
  typeof message.content === "string"
    ? message.content
    : message.content.map((part) => part.text ?? "").join("\n");

async function search(withImageModel: boolean | "failing", name: string) {
  const plan = await fixture.plan({ methods: ["linear"], budget: { calls: 16 }, name });
  if (withImageModel)
    plan.imageModel = createImageModel(
      // Another model name for the failing one: the working one's answers are in the response cache.
      parseTargetSpec(
        `openai-compatible:${withImageModel === "failing" ? "broken" : "sim"}-image@${fixture.simulator.url}`,
        "--image-model",
      ),
      withImageModel === "failing"
        ? {
            env: {},
            fetch: async () =>
              new Response(JSON.stringify({ error: { message: "content policy" } }), { status: 400 }),
          }
        : { env: {} },
    );
  await executeRedteamRun(plan);
  const store = new SqliteStore(plan.storePath);
  const run = [...store.listRuns()].find((candidate) => candidate.name === name);
  const result = [...store.iterateCases(run?.id ?? "")][0]?.result as SearchResult;
  const usage = store.usage(run?.id ?? "");
  const caseId = searchCaseId(result.taskId, "linear", result.targetId);
  const firstPlan = store.getCall(workKey(run?.id ?? "", caseId, "attacker", "r.0/attacker.0.0"))?.text;
  store.close();
  return { result, usage, firstPlan };
}

describe("the attacker's new_image_prompt", () => {
  it("with --image-model: the image is generated, reaches the target as a real image part and joins the pool", async () => {
    const before = fixture.simulator.stats().imageRequests;
    const { result, usage } = await search(true, "with-images");
    const generated = result.nodes.flatMap((node) =>
      node.images.filter((image) => image.source === "generated"),
    );
    expect(generated.length).toBeGreaterThan(0);
    expect(result.counts.imageErrors).toBe(0);
    expect(fixture.simulator.stats().imageRequests).toBeGreaterThan(before);
    expect(usage.find((row) => row.role === "image")?.calls).toBeGreaterThan(0);
    // The target got the generated PNG's bytes in an image_url part.
    const first = generated[0];
    const expected = (await simulatedImage(first?.prompt ?? "")).toString("base64");
    const targetParts = bodies()
      .filter((body) => body.model === "turnsafe-sim")
      .flatMap((body) => body.messages ?? [])
      .flatMap((message) => (typeof message.content === "string" ? [] : message.content));
    expect(targetParts.some((part) => part.image_url?.url.endsWith(expected))).toBe(true);
    // Later attacker requests list it among the images it may show.
    const attackerTexts = bodies()
      .filter((body) => body.model === "turnsafe-sim-attacker")
      .flatMap((body) => (body.messages ?? []).map(textOf));
    expect(attackerTexts.some((text) => text.includes(`image ${first?.id}: generated image: `))).toBe(true);
    // Another run of the same search: image calls are served from the response cache (the stored
    // answer holds the image), the tree is the same and nothing is generated again.
    const requests = fixture.simulator.stats().imageRequests;
    const again = await search(true, "with-images-again");
    expect(fixture.simulator.stats().imageRequests).toBe(requests);
    expect(again.result.nodes).toEqual(result.nodes);
  }, 60_000);

  it("a failing image model is counted per node and in the tree view; the turn goes on without the image", async () => {
    const { result } = await search("failing", "failing-images");
    expect(result.counts.imageErrors).toBeGreaterThan(0);
    const failed = result.nodes.filter((node) => node.imageError);
    expect(failed.length).toBe(result.counts.imageErrors);
    expect(failed[0]?.imageError).toMatch(/image call failed: .*HTTP 400: content policy/);
    expect(
      failed.every(
        (node) => node.answer !== null && node.images.every((image) => image.source !== "generated"),
      ),
    ).toBe(true);
    expect(JSON.stringify(searchTreeView(result.nodes, result.bestPath))).toContain(
      "image error: image call failed",
    );
  }, 60_000);

  it("without one: the request stays in the attacker's stored plan and no image is made", async () => {
    const before = fixture.simulator.stats().imageRequests;
    const { result, usage, firstPlan } = await search(false, "without-images");
    expect(firstPlan).toContain('"new_image_prompt":"An illustration for: ');
    expect(result.nodes.some((node) => node.images.some((image) => image.source === "generated"))).toBe(
      false,
    );
    expect(fixture.simulator.stats().imageRequests).toBe(before);
    expect(usage.some((row) => row.role === "image")).toBe(false);
  }, 60_000);
});
