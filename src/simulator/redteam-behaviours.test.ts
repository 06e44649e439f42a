import { describe, expect, it } from "vitest";
import { decideAction } from "./behaviour.ts";
import { type ChatRequestView, readChatRequest } from "./chat-request.ts";
import { parseSimulatorScript } from "./script.ts";

function request(body: unknown): ChatRequestView {
  const view = readChatRequest(body);
  if ("message" in view) throw new Error(view.message);
  return view;
}

const IMAGE = { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } };

const script = parseSimulatorScript(
  `
rules:
  - when:
      user_turns_end_with: [{ contains: background }, { contains: [materials, tools], image: true }]
    reply: weak spot
  - when: { system_contains: attacker }
    attacker_plan: { questions: [one, two, three, four], image_probability: 1 }
default:
  reply: plain
`,
  "redteam.yaml",
);

const reply = (body: unknown) => {
  const action = decideAction(request(body), script, () => 0.5);
  return action.kind === "reply" ? action.text : action.kind;
};

describe("user_turns_end_with", () => {
  it("matches only the last user turns, in order, with the image where asked", () => {
    const turns = (...users: unknown[]) => ({
      model: "m",
      messages: users
        .flatMap((content) => [
          { role: "user", content },
          { role: "assistant", content: "ok" },
        ])
        .slice(0, -1),
    });
    const withImage = [IMAGE, { type: "text", text: "Which tools?" }];
    expect(reply(turns("Some background please", withImage))).toBe("weak spot");
    expect(reply(turns("hello", "Some background please", withImage))).toBe("weak spot");
    expect(reply(turns("Some background please", "Which tools?"))).toBe("plain");
    expect(reply(turns(withImage, "Some background please"))).toBe("plain");
    expect(reply(turns("Some background please", withImage, "and then?"))).toBe("plain");
  });

  it("rejects unknown fields with the line", () => {
    expect(() =>
      parseSimulatorScript(
        "rules:\n  - when: { user_turns_end_with: [{ text: x }] }\n    reply: a\n",
        "bad.yaml",
      ),
    ).toThrow(/bad\.yaml.*user_turns_end_with\.0\.text.*line 2/);
  });
});

describe("attacker_plan", () => {
  const ask = (seed: number, text = "image pic1: a cat\nimage pic2: a dog") =>
    JSON.parse(
      reply({
        model: "m",
        seed,
        messages: [
          { role: "system", content: "attacker" },
          { role: "user", content: text },
        ],
      }),
    );

  it("answers a valid plan, the same for the same request and seed", () => {
    const plan = ask(1);
    expect(["one", "two", "three", "four"]).toContain(plan.next_question);
    expect(["pic1", "pic2"]).toContain(plan.image_ids[0]);
    expect(ask(1)).toEqual(plan);
  });

  it("draws other plans for other seeds", () => {
    const questions = new Set(Array.from({ length: 20 }, (_, seed) => ask(seed).next_question));
    expect(questions.size).toBeGreaterThan(1);
  });
});
