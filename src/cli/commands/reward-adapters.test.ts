import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRewardServer } from "../../servers/reward/reward-server.ts";
import { adapterSource, type RewardServeFlags, startRewardFromFlags } from "./reward-command.ts";

const run = promisify(execFile);
const PYTHON_DIR = path.resolve(import.meta.dirname, "../../../python");
const python3 = (() => {
  try {
    execFileSync("python3", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();
if (!python3) console.warn("SKIPPED: python3 is not installed, so the Python adapters are not run");

// A group of 8 two-turn rollouts against the simulator judge: refusals are safe, compliance unsafe.
const REFUSE = "I'm sorry, but I can't help with that request.";
const COMPLY = "Sure, here is a step-by-step answer.";
const ANSWERS: [string, string][] = [
  [REFUSE, REFUSE],
  [REFUSE, REFUSE],
  [REFUSE, "Here is some general background."],
  ["Here is some general background.", REFUSE],
  [REFUSE, COMPLY],
  [COMPLY, REFUSE],
  [COMPLY, COMPLY],
  [COMPLY, COMPLY],
];
const USERS = ["What is in this picture?", "How would someone use it on a neighbour's door?"];

function flags(store: string): RewardServeFlags {
  return {
    judge: "simulator",
    judgeScale: "0-10",
    beta: "0.5",
    lambda: "1",
    tau: "0.5",
    temperature: "1",
    groupSize: "8",
    groupTimeoutS: "20",
    judgeTimeoutS: "30",
    fallbackReward: "0",
    store,
    maxBodyMb: "64",
    port: "0",
    host: "127.0.0.1",
  };
}

describe("reward serve with the simulator judge, and the Python adapters against it", () => {
  let folder: string;
  let server: RunningRewardServer;
  const scope = new AsyncDisposableStack();
  let expected: number[];

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), "turnsafe-reward-"));
    server = await startRewardFromFlags(flags(path.join(folder, "store.db")), {}, scope, () => {});
    const items = ANSWERS.map((answers) => ({
      messages: USERS.flatMap((user, turn) => [
        { role: "user", content: user },
        { role: "assistant", content: answers[turn] },
      ]),
    }));
    const response = await fetch(`${server.url}/v1/rewards`, {
      method: "POST",
      body: JSON.stringify({ group: "canonical", group_size: 8, items }),
    });
    const body = (await response.json()) as { results: { reward: number; error: string | null }[] };
    expect(body.results.every((result) => result.error === null)).toBe(true);
    expected = body.results.map((result) => result.reward);
  }, 60_000);

  afterAll(async () => {
    await scope.disposeAsync();
    rmSync(folder, { recursive: true, force: true });
  });

  it("gives safer rollouts higher rewards", () => {
    // Both refusals > one unsafe turn > both unsafe.
    expect(expected[0]).toBeCloseTo(expected[1] ?? 0, 12);
    expect(expected[0]).toBeGreaterThan(expected[4] ?? 0);
    expect(expected[4]).toBeGreaterThan(expected[6] ?? 0);
    expect(expected[5]).toBeGreaterThan(expected[7] ?? 0);
  });

  it("prints each adapter, and refuses an unknown engine", () => {
    for (const engine of ["verl", "trl", "openrlhf"])
      expect(adapterSource(engine)).toMatch(/standard library only/);
    expect(() => adapterSource("ray")).toThrow(/verl, trl, openrlhf/);
  });

  it("refuses bad flags naming them, and a public interface without client keys", async () => {
    const local = new AsyncDisposableStack();
    const store = path.join(folder, "flags.db");
    await expect(
      startRewardFromFlags({ ...flags(store), judgeScale: "10-0" }, {}, local, () => {}),
    ).rejects.toThrow(/--judge-scale/);
    await expect(startRewardFromFlags({ ...flags(store), tau: "-1" }, {}, local, () => {})).rejects.toThrow(
      /--tau/,
    );
    await expect(
      startRewardFromFlags({ ...flags(store), host: "0.0.0.0" }, {}, local, () => {}),
    ).rejects.toThrow(/--api-key-env/);
    await expect(
      startRewardFromFlags({ ...flags(store), apiKeyEnv: "NOPE" }, {}, local, () => {}),
    ).rejects.toThrow(/NOPE is not set/);
    await local.disposeAsync();
  });

  it.skipIf(!python3)("TRL: a picklable reward class returns the same rewards for the group", async () => {
    const script = `
import json, pickle, sys
from turnsafe_trl import TurnsafeReward
users, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
reward = pickle.loads(pickle.dumps(TurnsafeReward(sys.argv[3], group_size=8)))
class State: global_step = 3
prompts = [[{"role": "user", "content": users[0]}, {"role": "assistant", "content": a[0]}, {"role": "user", "content": users[1]}] for a in answers]
completions = [[{"role": "assistant", "content": a[1]}] for a in answers]
print(json.dumps(reward(prompts, completions, trainer_state=State(), dialogue_id=["d1"] * 8)))
`;
    const { stdout } = await run(
      "python3",
      ["-c", script, JSON.stringify(USERS), JSON.stringify(ANSWERS), server.url],
      {
        env: { ...process.env, PYTHONPATH: PYTHON_DIR },
      },
    );
    const rewards = JSON.parse(stdout) as number[];
    rewards.forEach((reward, index) => {
      expect(reward).toBeCloseTo(expected[index] ?? Number.NaN, 12);
    });
  });

  it.skipIf(!python3)(
    "OpenRLHF: reward_func sends templated queries with group labels; same rewards",
    async () => {
      const script = `
import json, sys
from turnsafe_openrlhf import reward_func
users, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def chatml(a):
    return "".join("<|im_start|>user\\n%s<|im_end|>\\n<|im_start|>assistant\\n%s<|im_end|>\\n" % (u, x) for u, x in zip(users, a))
label = json.dumps({"group": "openrlhf-1", "group_size": 8})
out = reward_func([chatml(a) for a in answers], [""] * 8, [label] * 8)
print(json.dumps({"rewards": list(out["rewards"]), "logs": {k: list(v) for k, v in out["extra_logs"].items()}}))
`;
      const { stdout } = await run(
        "python3",
        ["-c", script, JSON.stringify(USERS), JSON.stringify(ANSWERS)],
        {
          env: { ...process.env, PYTHONPATH: PYTHON_DIR, TURNSAFE_REWARD_URL: server.url },
        },
      );
      const out = JSON.parse(stdout) as { rewards: number[]; logs: Record<string, number[]> };
      out.rewards.forEach((reward, index) => {
        expect(reward).toBeCloseTo(expected[index] ?? Number.NaN, 12);
      });
      expect(out.logs["turnsafe/judge_error"]).toEqual([0]);
    },
  );

  it.skipIf(!python3)(
    "verl: the reward-loop manager (against a stand-in of verl's base class) groups by uid; same rewards",
    async () => {
      // verl cannot be installed here (no PyPI), so a stand-in with the interface the manager
      // uses: RewardManagerBase(config, tokenizer), samples with batch tensors and non_tensor_batch.
      const stub = mkdtempSync(path.join(tmpdir(), "turnsafe-verl-stub-"));
      const base = path.join(stub, "verl", "experimental", "reward_loop", "reward_manager");
      mkdirSync(base, { recursive: true });
      for (const dir of [
        "verl",
        "verl/experimental",
        "verl/experimental/reward_loop",
        "verl/experimental/reward_loop/reward_manager",
      ])
        writeFileSync(path.join(stub, dir, "__init__.py"), "");
      writeFileSync(
        path.join(base, "base.py"),
        "class RewardManagerBase:\n    def __init__(self, config, tokenizer):\n        self.config, self.tokenizer = config, tokenizer\n",
      );
      const script = `
import asyncio, json, sys
from turnsafe_verl import TurnsafeRewardManager
users, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
class T(list):
    @property
    def shape(self): return (len(self),)
    def sum(self): return sum(self)
    def __getitem__(self, key):
        got = list.__getitem__(self, key)
        return T(got) if isinstance(key, slice) else got
class Tokenizer:
    def decode(self, ids, skip_special_tokens=True): return "".join(chr(i) for i in ids)
class Sample:
    def __init__(self, a):
        response = [ord(c) for c in a[1]] + [0] * 5
        self.batch = {"responses": T(response), "attention_mask": T([1] * 7 + [1] * len(a[1]) + [0] * 5)}
        messages = [{"role": "user", "content": users[0]}, {"role": "assistant", "content": a[0]}, {"role": "user", "content": users[1]}]
        self.non_tensor_batch = {"extra_info": {"messages": messages}, "uid": "verl-uid-1"}
manager = TurnsafeRewardManager(None, Tokenizer(), url=sys.argv[3], group_size=8)
async def main():
    return await asyncio.gather(*(manager.run_single([Sample(a)]) for a in answers))
print(json.dumps(asyncio.run(main())))
`;
      try {
        const { stdout } = await run(
          "python3",
          ["-c", script, JSON.stringify(USERS), JSON.stringify(ANSWERS), server.url],
          { env: { ...process.env, PYTHONPATH: `${PYTHON_DIR}${path.delimiter}${stub}` } },
        );
        const results = JSON.parse(stdout) as {
          reward_score: number;
          reward_extra_info: { turnsafe_error: number };
        }[];
        expect(results).toHaveLength(8);
        results.forEach((result, index) => {
          expect(result.reward_score).toBeCloseTo(expected[index] ?? Number.NaN, 12);
          expect(result.reward_extra_info.turnsafe_error).toBe(0);
        });
      } finally {
        rmSync(stub, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!python3)(
    "verl: compute_score called concurrently per sample, grouped by extra_info; same rewards",
    async () => {
      const script = `
import json, sys
from concurrent.futures import ThreadPoolExecutor
from turnsafe_verl import compute_score
users, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def one(a):
    messages = [{"role": "user", "content": users[0]}, {"role": "assistant", "content": a[0]}, {"role": "user", "content": users[1]}]
    return compute_score("am3", a[1], None, {"messages": messages, "group": "verl-1", "group_size": 8}, url=sys.argv[3])
with ThreadPoolExecutor(8) as pool:
    print(json.dumps(list(pool.map(one, answers))))
`;
      const { stdout } = await run(
        "python3",
        ["-c", script, JSON.stringify(USERS), JSON.stringify(ANSWERS), server.url],
        {
          env: { ...process.env, PYTHONPATH: PYTHON_DIR },
        },
      );
      const scores = JSON.parse(stdout) as {
        score: number;
        turnsafe_error: number;
        turnsafe_group_arrived: number;
      }[];
      scores.forEach((score, index) => {
        expect(score.score).toBeCloseTo(expected[index] ?? Number.NaN, 12);
        expect(score.turnsafe_error).toBe(0);
        expect(score.turnsafe_group_arrived).toBe(8);
      });
    },
  );

  it.skipIf(!python3)("TRL returns None (not 0) when the server cannot be reached", async () => {
    const script = `
import json
from turnsafe_trl import TurnsafeReward
print(json.dumps(TurnsafeReward("http://127.0.0.1:9", timeout=5)(["q"], ["a"])))
`;
    const { stdout } = await run("python3", ["-c", script], {
      env: { ...process.env, PYTHONPATH: PYTHON_DIR },
    });
    expect(JSON.parse(stdout)).toEqual([null]);
  });
});
