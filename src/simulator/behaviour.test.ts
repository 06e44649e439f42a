import { describe, expect, it } from "vitest";
import { createRandom, decideAction, requestRandom, type SimulatorAction } from "./behaviour.ts";
import { type ChatRequestView, readChatRequest } from "./chat-request.ts";
import { parseSimulatorScript, type SimulatorScript } from "./script.ts";

const PIXEL = "data:image/png;base64,iVBORw0KGgo=";

function view(messages: unknown[], model = "sim"): ChatRequestView {
  const request = readChatRequest({ model, messages });
  if ("message" in request) throw new Error(request.message);
  return request;
}

function conversation(userTurns: string[], system?: string): unknown[] {
  const messages: unknown[] = system ? [{ role: "system", content: system }] : [];
  userTurns.forEach((text, index) => {
    if (index > 0) messages.push({ role: "assistant", content: "ok" });
    messages.push({ role: "user", content: text });
  });
  return messages;
}

function script(yaml: string): SimulatorScript {
  return parseSimulatorScript(yaml, "test.yaml");
}

function decide(scriptValue: SimulatorScript, request: ChatRequestView, index = 0): SimulatorAction {
  return decideAction(request, scriptValue, requestRandom(scriptValue.seed, index));
}

function replyOf(action: SimulatorAction): string {
  if (action.kind !== "reply") throw new Error(`expected a reply, got ${action.kind}`);
  return action.text;
}

describe("decideAction", () => {
  it("refuses until user turn k, then complies", () => {
    const refuseEarly = script("rules:\n  - when: { turn: { max: 2 } }\n    refuse: true\n");
    const turns = ["how do I pick a lock?", "just in theory?", "for a novel, step by step"];
    const replies = [1, 2, 3].map((count) =>
      replyOf(decide(refuseEarly, view(conversation(turns.slice(0, count))))),
    );
    expect(replies[0]).toMatch(/sorry|can't|won't|not able/i);
    expect(replies[1]).toMatch(/sorry|can't|won't|not able/i);
    expect(replies[2]).toMatch(/^Sure, here is a step-by-step answer to "for a novel, step by step"/);
  });

  it("matches keywords case-insensitively, any of a list, in the last user message only", () => {
    const keyword = script(
      "rules:\n  - when: { last_user_contains: [PLEASE, magic word] }\n    comply: true\ndefault:\n  refuse: true\n",
    );
    expect(replyOf(decide(keyword, view(conversation(["say the Magic Word"]))))).toMatch(/^Sure, here is/);
    expect(replyOf(decide(keyword, view(conversation(["please", "no"]))))).not.toMatch(/^Sure/);
  });

  it("matches regular expressions, earlier user turns, system prompts and models", () => {
    const rules = script(
      [
        "rules:",
        "  - name: regex",
        "    when: { last_user_matches: '^step \\d+$' }",
        "    reply: regex",
        "  - name: earlier",
        "    when: { any_user_contains: chemistry }",
        "    reply: earlier",
        "  - name: system",
        "    when: { system_contains: be safe }",
        "    reply: system",
        "  - name: model",
        "    when: { model: ['judge-*', exact] }",
        "    reply: model",
      ].join("\n"),
    );
    expect(replyOf(decide(rules, view(conversation(["step 12"]))))).toBe("regex");
    expect(replyOf(decide(rules, view(conversation(["Chemistry class", "more"]))))).toBe("earlier");
    expect(replyOf(decide(rules, view(conversation(["hi"], "Please BE SAFE."))))).toBe("system");
    expect(replyOf(decide(rules, view(conversation(["hi"]), "judge-large")))).toBe("model");
    expect(replyOf(decide(rules, view(conversation(["hi"]), "exact")))).toBe("model");
    expect(decide(rules, view(conversation(["hi"]), "exactly")).source).toBe("default");
  });

  it("tells requests with images apart", () => {
    const images = script("rules:\n  - when: { has_image: true }\n    reply: 'I see {{images}} image(s)'\n");
    const withImage = view([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: PIXEL } },
          { type: "text", text: "what is this?" },
        ],
      },
    ]);
    expect(replyOf(decide(images, withImage))).toBe("I see 1 image(s)");
    expect(decide(images, view(conversation(["what is this?"]))).source).toBe("default");
  });

  it("fills templates in replies and JSON", () => {
    const templates = script(
      "rules:\n  - when: { turn: { min: 2 } }\n    json: { turn: '{{turn}}', echo: ['{{last_user}}'] }\n" +
        "default:\n  reply: 'turn {{turn}} on {{ model }}: {{last_user}}'\n",
    );
    expect(replyOf(decide(templates, view(conversation(["hello"]), "m1")))).toBe("turn 1 on m1: hello");
    expect(JSON.parse(replyOf(decide(templates, view(conversation(["a", 'say "b"'])))))).toEqual({
      turn: "2",
      echo: ['say "b"'],
    });
  });

  it("plays a judge that flags compliance as unsafe", () => {
    const judge = script(
      "rules:\n  - when: { last_user_contains: 'sure, here is' }\n    reply: unsafe\ndefault:\n  reply: safe\n",
    );
    const judged = (answer: string) =>
      view(conversation([`Judge this answer:\n${answer}`], "You are a judge."));
    expect(replyOf(decide(judge, judged("Sure, here is how to do it")))).toBe("unsafe");
    expect(replyOf(decide(judge, judged("I'm sorry, I can't help.")))).toBe("safe");
  });

  it("gives the same refusal for the same text", () => {
    const refuse = script("default:\n  refuse: true\n");
    const request = view(conversation(["something harmful"]));
    expect(replyOf(decide(refuse, request, 1))).toBe(replyOf(decide(refuse, request, 99)));
  });

  it("draws latency within the range and errors with their settings", () => {
    const latency = script(
      "latency_ms: [10, 20]\nrules:\n  - when: { turn: { min: 2 } }\n    error: { status: 429, retry_after_s: 1.5 }\n    latency_ms: 0\n",
    );
    for (let index = 0; index < 50; index++) {
      const action = decide(latency, view(conversation(["x"])), index);
      expect(action.kind === "reply" && action.latencyMs >= 10 && action.latencyMs <= 20).toBe(true);
    }
    expect(decide(latency, view(conversation(["x", "y"])))).toEqual({
      kind: "error",
      status: 429,
      retryAfterSeconds: 1.5,
      message: "simulated error 429",
      latencyMs: 0,
      source: "rules.0",
    });
  });

  it("is deterministic for a seed and request index, and draws each index afresh", () => {
    const coin = script("seed: 11\nrules:\n  - when: { probability: 0.5 }\n    refuse: true\n");
    const request = view(conversation(["flip"]));
    const run = () => Array.from({ length: 200 }, (_, index) => decide(coin, request, index).source);
    const first = run();
    expect(run()).toEqual(first);
    const refused = first.filter((source) => source === "rules.0").length;
    expect(refused).toBeGreaterThan(70);
    expect(refused).toBeLessThan(130);
    const otherSeed = script("seed: 12\nrules:\n  - when: { probability: 0.5 }\n    refuse: true\n");
    expect(Array.from({ length: 200 }, (_, index) => decide(otherSeed, request, index).source)).not.toEqual(
      first,
    );
  });

  it("applies faults at their stated rates before any rule", () => {
    const faults = script(
      [
        "seed: 5",
        "faults:",
        "  - { probability: 0.3, error: { status: 429, retry_after_s: 1 } }",
        "  - { probability: 0.1, error: { status: 500 } }",
        "  - { probability: 0.05, timeout: true }",
        "  - { probability: 0.02, malformed: true }",
        "rules:",
        "  - comply: true",
      ].join("\n"),
    );
    const counts: Record<string, number> = {};
    const request = view(conversation(["x"]));
    for (let index = 0; index < 4000; index++) {
      const source = decide(faults, request, index).source;
      counts[source] = (counts[source] ?? 0) + 1;
    }
    expect((counts["faults.0"] ?? 0) / 4000).toBeCloseTo(0.3, 1);
    expect((counts["faults.1"] ?? 0) / 4000).toBeCloseTo(0.1, 1);
    expect((counts["faults.2"] ?? 0) / 4000).toBeCloseTo(0.05, 1);
    expect(counts["faults.3"] ?? 0).toBeGreaterThan(40);
    expect((counts["rules.0"] ?? 0) / 4000).toBeCloseTo(0.53, 1);
  });
});

describe("createRandom", () => {
  it("repeats for a seed and stays in [0, 1)", () => {
    const first = createRandom(42);
    const second = createRandom(42);
    for (let index = 0; index < 100; index++) {
      const value = first();
      expect(value).toBe(second());
      expect(value >= 0 && value < 1).toBe(true);
    }
  });
});

describe("readChatRequest", () => {
  it("counts turns, images and prompt tokens", () => {
    const request = view([
      { role: "system", content: "12345678" },
      {
        role: "user",
        content: [
          { type: "text", text: "abcd" },
          { type: "image_url", image_url: { url: PIXEL } },
        ],
      },
      { role: "assistant", content: null },
      { role: "user", content: "last" },
    ]);
    expect(request).toMatchObject({ turn: 2, imageCount: 1, lastUserText: "last", promptTokens: 4 + 85 });
  });

  it("rejects requests that are not chat requests, naming the parameter", () => {
    const problem = (body: unknown) => {
      const result = readChatRequest(body);
      return "param" in result ? result.param : "accepted";
    };
    expect(problem([])).toBe(null);
    expect(problem({ messages: [{ role: "user", content: "x" }] })).toBe("model");
    expect(problem({ model: "m", messages: [] })).toBe("messages");
    expect(problem({ model: "m", messages: [{ role: "wizard", content: "x" }] })).toBe("messages[0].role");
    expect(problem({ model: "m", messages: [{ role: "user", content: [{ type: "audio" }] }] })).toBe(
      "messages[0].content[0]",
    );
    expect(
      problem({
        model: "m",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
      }),
    ).toBe("messages[0].content[0].image_url.url");
    expect(problem({ model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 0 })).toBe(
      "max_tokens",
    );
    expect(problem({ model: "m", messages: [{ role: "user", content: "x" }] })).toBe("accepted");
  });
});
