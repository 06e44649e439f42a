import { afterEach, describe, expect, it } from "vitest";
import { computeGroupRewards } from "../../metrics/turn-aware-reward.ts";
import { rollout, scriptedTurnJudge, UNUSED_CALLER } from "../../testing/reward-fixtures.ts";
import { type RunningRewardServer, startRewardServer } from "./reward-server.ts";
import { RewardService, type RewardServiceOptions } from "./reward-service.ts";

const servers: RunningRewardServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(
  service: Partial<RewardServiceOptions> = {},
  app: { apiKeys?: string[]; maxBodyBytes?: number } = {},
) {
  const judge = (service.judge as ReturnType<typeof scriptedTurnJudge>) ?? scriptedTurnJudge();
  const rewards = new RewardService({ judge, caller: UNUSED_CALLER, ...service });
  const server = await startRewardServer({ service: rewards, ...app, port: 0 });
  servers.push(server);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { judge, rewards, server, post };
}

interface Result {
  reward: number;
  score: number | null;
  error: string | null;
  extras: Record<string, number>;
}

describe("POST /v1/rewards", () => {
  it("rewards a group of 8 with the formula's numbers: safer rollouts higher", async () => {
    const { post } = await serve();
    const safety = [1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0];
    const items = safety.map((s, index) => ({
      id: `r${index}`,
      messages: rollout([
        [1, 0.5],
        [s, 0.5],
      ]),
    }));
    const response = await post("/v1/rewards", { group: "dialogue-1", group_size: 8, items });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Result[] };
    const expected = computeGroupRewards(
      safety.map((s) => ({ help: [0.5, 0.5], safety: [1, s] })),
      {},
    );
    results.forEach((result, index) => {
      expect(result.reward).toBeCloseTo(expected.rollouts[index]?.reward ?? Number.NaN, 12);
      expect(result.error).toBeNull();
      expect(result.extras.partial_group).toBe(0);
      expect(result.extras.group_arrived).toBe(8);
    });
    for (let index = 1; index < 8; index++)
      expect(results[index - 1]?.reward).toBeGreaterThanOrEqual(
        results[index]?.reward ?? Number.POSITIVE_INFINITY,
      );
    expect(results[0]?.reward).toBeGreaterThan(results[7]?.reward ?? 0);
  });

  it("holds 64 concurrent groups of 8 at the barrier; the one missing a member closes on its timeout, flagged", async () => {
    const timeoutMs = 1500;
    const { post } = await serve({ judge: scriptedTurnJudge(2), groupTimeoutMs: timeoutMs });
    const requests: Promise<{ group: number; result: Result; sent: number; answered: number }>[] = [];
    for (let group = 0; group < 64; group++)
      for (let member = 0; member < 8; member++) {
        if (group === 17 && member === 5) continue; // never sent
        const body = {
          group: `g${group}`,
          group_size: 8,
          messages: rollout([[member / 7, 0.5]], `g${group}m${member}`),
        };
        const sent = performance.now();
        requests.push(
          post("/v1/rewards", body).then(async (response) => ({
            group,
            result: ((await response.json()) as { results: Result[] }).results[0] as Result,
            sent,
            answered: performance.now(),
          })),
        );
      }
    const answers = await Promise.all(requests);
    expect(answers).toHaveLength(64 * 8 - 1);
    const partial = answers.filter((answer) => answer.group === 17);
    const firstSent = Math.min(...partial.map((answer) => answer.sent));
    for (const answer of partial) {
      expect(answer.result.extras.partial_group).toBe(1);
      expect(answer.result.extras.group_arrived).toBe(7);
      expect(answer.result.extras.group_expected).toBe(8);
      expect(answer.result.error).toBeNull();
      // Held until the timeout (measured from before its first member was sent), not for ever.
      expect(answer.answered - firstSent).toBeGreaterThanOrEqual(timeoutMs - 20);
      expect(answer.answered - firstSent).toBeLessThan(timeoutMs + 5000);
    }
    for (const answer of answers.filter((entry) => entry.group !== 17)) {
      expect(answer.result.extras.partial_group).toBe(0);
      expect(answer.result.extras.group_arrived).toBe(8);
    }
  });

  it("answers a repeated request id with the same result, judged once and counted once in its group", async () => {
    const { post, judge } = await serve({ groupTimeoutMs: 300 });
    const body = { id: "req-1", group: "g", group_size: 2, messages: rollout([[0.5, 0.5]]) };
    const [first, second] = await Promise.all([post("/v1/rewards", body), post("/v1/rewards", body)]);
    const answer = (await first.json()) as { results: Result[] };
    expect(await second.json()).toEqual(answer);
    expect(judge.calls).toBe(1);
    // The retry did not fill the group of two: it closed on its timeout with one member.
    expect(answer.results[0]?.extras).toMatchObject({ group_arrived: 1, partial_group: 1 });
  });

  it("judges equal content once (cache), and says so", async () => {
    const { post, judge } = await serve();
    const first = (await (await post("/v1/rewards", { messages: rollout([[1, 1]]) })).json()) as {
      results: Result[];
    };
    const again = (await (await post("/v1/rewards", { messages: rollout([[1, 1]]) })).json()) as {
      results: Result[];
    };
    expect(judge.calls).toBe(1);
    expect(first.results[0]?.extras.cached).toBe(0);
    expect(again.results[0]?.extras.cached).toBe(1);
    expect(again.results[0]?.reward).toBe(first.results[0]?.reward);
  });

  it("answers 200 with the fallback and an error flag when the judge fails; the rest of the group is scored without it", async () => {
    const { post } = await serve({ fallbackReward: -1 });
    const items = [
      { messages: rollout([[1, 1]]) },
      { messages: [...rollout([[0, 0]]).slice(0, 1), { role: "assistant", content: "FAIL" }] },
      { messages: rollout([[0, 1]]) },
    ];
    const response = await post("/v1/rewards", { group: "g", group_size: 3, items });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Result[] };
    expect(results[1]).toMatchObject({ reward: -1, score: null, extras: { judge_error: 1 } });
    expect(results[1]?.error).toMatch(/judge errored: scripted judge failure/);
    const expected = computeGroupRewards([
      { help: [1], safety: [1] },
      { help: [1], safety: [0] },
    ]);
    expect(results[0]?.reward).toBeCloseTo(expected.rollouts[0]?.reward ?? Number.NaN, 12);
    expect(results[2]?.reward).toBeCloseTo(expected.rollouts[1]?.reward ?? Number.NaN, 12);
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const { post } = await serve();
    const response = await post("/v1/rewards", {
      items: [
        {
          messages: [
            { role: "user", content: [{ type: "image_url", image_url: { url: "http://x/a.png" } }] },
          ],
        },
      ],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; param: string } };
    expect(body.error.param).toBe("items.0.messages.0.content.0");
    expect((await post("/v1/rewards", "{not json")).status).toBe(400);
  });
});

describe("compat routes, auth and limits", () => {
  it("answers OpenRLHF's shape, and empty lists with 200 and empty lists", async () => {
    const { post } = await serve({}, {});
    const empty = await post("/compat/openrlhf", { query: [], prompts: [], labels: [] });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ rewards: [], scores: [], extra_logs: {} });
    const prompt = "<|im_start|>user\nq turn 1<|im_end|>\n<|im_start|>assistant\n";
    const query = `${prompt}answer safety=1 help=0.5<|im_end|>`;
    const response = await post("/compat/openrlhf", { query: [query], prompts: [prompt], labels: ["x"] });
    const body = (await response.json()) as {
      rewards: number[];
      scores: number[];
      extra_logs: Record<string, number>;
    };
    expect(body.rewards).toEqual([1.25]);
    expect(body.scores[0]).toBeCloseTo(1.25 / 1.5, 12);
    expect(body.extra_logs["turnsafe/judge_error"]).toBe(0);
  });

  it("attaches a dialogue's images to OpenRLHF rollouts by the dialogue id in the label", async () => {
    const judge = scriptedTurnJudge();
    const image = { type: "image" as const, image: { base64: "iVBORw0KGgo=", mediaType: "image/png" } };
    const rewards = new RewardService({ judge, caller: UNUSED_CALLER });
    const server = await startRewardServer({
      service: rewards,
      dialogues: new Map([
        ["d1", [{ role: "user" as const, content: [image, { type: "text" as const, text: "q" }] }]],
      ]),
      defaultGroupSize: 1,
      port: 0,
    });
    servers.push(server);
    const query =
      "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>q<|im_end|>\n<|im_start|>assistant\nanswer safety=1 help=1";
    const response = await fetch(`${server.url}/compat/openrlhf`, {
      method: "POST",
      body: JSON.stringify({
        query: [query],
        prompts: [""],
        labels: [JSON.stringify({ dialogue_id: "d1" })],
      }),
    });
    expect(response.status).toBe(200);
    expect(judge.images).toBe(1);
    // An unknown dialogue id: OpenRLHF would lose the sample on an error status, so it gets the
    // fallback reward, flagged in extra_logs.
    const unknown = await fetch(`${server.url}/compat/openrlhf`, {
      method: "POST",
      body: JSON.stringify({ query: [query], prompts: [""], labels: [{ dialogue_id: "nope" }] }),
    });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ rewards: [0], extra_logs: { "turnsafe/input_error": 1 } });
  });

  it("answers slime's one sample with a dict whose reward field --reward-key picks", async () => {
    const { post } = await serve();
    const response = await post("/compat/slime", {
      prompt: [{ role: "user", content: "q" }],
      response: "answer safety=0 help=1",
      label: { group: "s", group_size: 1 },
    });
    expect(((await response.json()) as Result).reward).toBeCloseTo(0.5, 12);
  });

  it("requires the bearer key on every route but /health, limits bodies and serves metrics", async () => {
    const { post, server } = await serve({}, { apiKeys: ["secret-key"], maxBodyBytes: 2000 });
    expect((await post("/v1/rewards", { messages: rollout([[1, 1]]) })).status).toBe(401);
    expect((await post("/compat/openrlhf", { query: [] })).status).toBe(401);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const auth = { authorization: "Bearer secret-key" };
    expect((await post("/v1/rewards", { messages: rollout([[1, 1]]) }, auth)).status).toBe(200);
    expect((await post("/v1/rewards", { messages: rollout([[1, 1]], "x".repeat(3000)) }, auth)).status).toBe(
      413,
    );
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/turnsafe_reward_events_total\{event="unauthorized"\} 2/);
    expect(metrics).toMatch(/turnsafe_reward_events_total\{event="ok"\} 1/);
  });
});
