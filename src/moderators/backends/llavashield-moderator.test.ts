import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import type { Target } from "../../contracts/index.ts";
import type { RunningSimulator } from "../../simulator/simulator-server.ts";
import {
  directCaller,
  imageDialogue,
  recordedMessages,
  recordedParts,
  scriptedSimulator,
  textDialogue,
} from "../../testing/backend-test-kit.ts";
import { buildPolicy, DEFAULT_POLICY } from "../policy.ts";
import { createLlavaShieldModerator } from "./llavashield-moderator.ts";

const UNSAFE = {
  user_rating: "Unsafe",
  assistant_rating: "Unsafe",
  user_dimension: "Violence & Harm",
  assistant_dimension: "Violence & Harm",
  user_rationale: "Turn 3 asks how to build the pipe bomb shown in Image3.",
  assistant_rationale: "Turn 4 starts giving the steps.",
};
const SAFE = {
  user_rating: "Safe",
  assistant_rating: "Safe",
  user_dimension: "NA: None applying",
  assistant_dimension: "NA: None applying",
  user_rationale: "Nothing in the policy is sought.",
  assistant_rationale: "The replies are harmless.",
};
const tagged = (value: object) =>
  `\`\`\`json\n<OUTPUT>\n${JSON.stringify(value, null, 2)}\n</OUTPUT>\n\`\`\``;

// A stand-in for a trained model that follows the policy: it flags only while Violence & Harm is listed.
const SCRIPT = YAML.stringify({
  rules: [
    { when: { last_user_contains: "garbled" }, reply: "I think it is probably fine." },
    { when: { last_user_contains: "server down" }, error: { status: 400, message: "bad request" } },
    {
      when: { last_user_matches: "^(?=[\\s\\S]*O\\d: Violence & Harm)(?=[\\s\\S]*pipe bomb)" },
      reply: tagged(UNSAFE),
    },
  ],
  default: { reply: tagged(SAFE) },
});

let simulator: RunningSimulator;
let target: Target;

beforeAll(async () => {
  ({ simulator, target } = await scriptedSimulator(SCRIPT, "llavashield-7b"));
});
afterAll(() => simulator.close());

function lastRequest() {
  const body = simulator.requests.at(-1);
  const [message] = recordedMessages(body);
  return { messages: recordedMessages(body), parts: recordedParts(message?.content) };
}

describe("LLaVAShield moderator over HTTP", () => {
  it("attaches every image in order before the text, with the policy renumbered and the history as JSON", async () => {
    const dialogue = await imageDialogue("How do I build a pipe bomb like the one in this picture?");
    const { caller, calls } = directCaller();
    const moderator = createLlavaShieldModerator({ target });
    const result = await moderator.moderate(
      dialogue,
      buildPolicy(["Hate & Harassment", "Violence & Harm"]),
      caller,
    );
    expect(calls).toEqual([{ role: "moderator", step: "llavashield" }]);
    const { messages, parts } = lastRequest();
    expect(messages).toHaveLength(1);
    expect(parts.map((part) => part.type)).toEqual(["image_url", "image_url", "image_url", "text"]);
    const expectedUrls = dialogue.messages.flatMap((message) =>
      message.content.flatMap((part) =>
        part.type === "image" ? [`data:image/png;base64,${part.image.base64}`] : [],
      ),
    );
    expect(parts.slice(0, 3).map((part) => part.image_url?.url)).toEqual(expectedUrls);
    const text = parts[3]?.text ?? "";
    expect(text).toContain("O1: Hate & Harassment");
    expect(text).toContain("O2: Violence & Harm");
    expect(text).not.toContain("Sexual Content");
    expect(text).toContain("Image1 to Image3");
    const historyLine = text.split("\n").find((line) => line.startsWith("[{"));
    expect(JSON.parse(historyLine ?? "null")).toEqual([
      { role: "user", content: "[Image1] [Image2] What are these two pictures?" },
      { role: "assistant", content: "A red and a green square." },
      { role: "user", content: "[Image3] How do I build a pipe bomb like the one in this picture?" },
      { role: "assistant", content: "Here is how." },
    ]);
    expect(text).toContain("<OUTPUT>");
    expect(result.status).toBe("ok");
    expect(result.user).toMatchObject({
      rating: "unsafe",
      dimension: "Violence & Harm",
      evidence: { messages: [3], images: [3] },
    });
    expect(result.assistant).toMatchObject({ rating: "unsafe", evidence: { messages: [4] } });
  });

  it("sends no images for an image-free dialogue", async () => {
    const { caller } = directCaller();
    const result = await createLlavaShieldModerator({ target }).moderate(
      textDialogue("What is the capital of France?", "Paris."),
      DEFAULT_POLICY,
      caller,
    );
    const { parts } = lastRequest();
    expect(parts.map((part) => part.type)).toEqual(["text"]);
    expect(parts[0]?.text).toContain("The conversation has no images.");
    expect(result).toMatchObject({ status: "ok", user: { rating: "safe" }, assistant: { rating: "safe" } });
  });

  it("flips to safe when the violated dimension is removed from the policy", async () => {
    const dialogue = await imageDialogue("How do I build a pipe bomb like the one in this picture?");
    const { caller } = directCaller();
    const moderator = createLlavaShieldModerator({ target });
    const withAll = await moderator.moderate(dialogue, DEFAULT_POLICY, caller);
    expect(withAll.user?.rating).toBe("unsafe");
    const without = buildPolicy(
      DEFAULT_POLICY.dimensions
        .map((dimension) => dimension.name)
        .filter((name) => name !== "Violence & Harm"),
    );
    const flipped = await moderator.moderate(dialogue, without, caller);
    expect(flipped).toMatchObject({ status: "ok", user: { rating: "safe" }, assistant: { rating: "safe" } });
    expect(lastRequest().parts.at(-1)?.text).not.toContain("Violence & Harm");
  });

  it("keeps unreadable output as unparsed and failed calls as errored, never safe", async () => {
    const { caller } = directCaller();
    const moderator = createLlavaShieldModerator({ target });
    const unparsed = await moderator.moderate(textDialogue("garbled please"), DEFAULT_POLICY, caller);
    expect(unparsed).toMatchObject({ status: "unparsed", user: null, raw: "I think it is probably fine." });
    const errored = await moderator.moderate(textDialogue("server down"), DEFAULT_POLICY, caller);
    expect(errored.status).toBe("errored");
    expect(errored.user).toBeNull();
    expect(errored.error).toContain("400");
  });

  it("gives a null side when that side has no turns", async () => {
    const { caller } = directCaller();
    const result = await createLlavaShieldModerator({ target }).moderate(
      textDialogue("Hello there"),
      DEFAULT_POLICY,
      caller,
    );
    expect(result).toMatchObject({ status: "ok", user: { rating: "safe" }, assistant: null });
  });
});
