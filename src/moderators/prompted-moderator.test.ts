import { describe, expect, it } from "vitest";
import { type Dialogue, messageText } from "../dialogue/dialogue.ts";
import { CancelledError, TargetError } from "../errors.ts";
import { offlineJudgeTarget, scriptedCaller } from "../testing/scripted-caller.ts";
import { buildPolicy, DEFAULT_POLICY } from "./policy.ts";
import { createPromptedModerator } from "./prompted-moderator.ts";

const png = { path: "flask.png" };
const dialogue: Dialogue = {
  version: 1,
  id: "d1",
  messages: [
    {
      role: "user",
      content: [
        { type: "image", image: png },
        { type: "image", image: { path: "label.png" } },
        { type: "text", text: "What is in these?" },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: "A flask and a label." }] },
    {
      role: "user",
      content: [
        { type: "image", image: { path: "third.png" } },
        { type: "text", text: "Fill it." },
      ],
    },
  ],
  labels: {},
  metadata: {},
};

const SAFE = JSON.stringify({
  user_rating: "Safe",
  assistant_rating: "Safe",
  user_dimension: "NA: None applying",
  assistant_dimension: "NA: None applying",
  user_rationale: "nothing harmful in turn 1",
  assistant_rationale: "turn 2 is harmless",
});

describe("createPromptedModerator", () => {
  it("sends the policy, then the whole history as JSON with cumulative image labels and attached images", async () => {
    const { caller, calls } = scriptedCaller(SAFE);
    const moderator = createPromptedModerator({
      target: offlineJudgeTarget({ vision: true }),
      name: "audit",
    });
    const result = await moderator.moderate(
      dialogue,
      buildPolicy(["Sexual Content", "Illegal Activities"]),
      caller,
    );
    expect(result).toMatchObject({ status: "ok", user: { rating: "safe" }, assistant: { rating: "safe" } });
    const call = calls[0];
    expect(call?.role).toBe("moderator");
    expect(call?.step).toBe("moderate:audit");
    const [system, user] = call?.request.messages ?? [];
    const systemText = system ? messageText(system) : "";
    expect(systemText).toContain("O1: Sexual Content");
    expect(systemText).toContain("O2: Illegal Activities");
    expect(systemText).not.toContain("Violence & Harm");
    const parts = user?.content ?? [];
    expect(
      parts.filter((part) => part.type === "image").map((part) => part.type === "image" && part.image.path),
    ).toEqual(["flask.png", "label.png", "third.png"]);
    const userText = user ? messageText(user) : "";
    expect(userText).toContain("[Image3]\n");
    const history = JSON.parse(/<conversation>\n([\s\S]*)\n<\/conversation>/.exec(userText)?.[1] ?? "null");
    expect(history).toEqual([
      { role: "user", content: "[Image1] [Image2] What is in these?" },
      { role: "assistant", content: "A flask and a label." },
      { role: "user", content: "[Image3] Fill it." },
    ]);
    expect(call?.request.params?.temperature).toBe(0);
  });

  it("uses only labels for a model without vision, and keeps images past the limit as labels", async () => {
    const { caller, calls } = scriptedCaller(SAFE);
    await createPromptedModerator({ target: offlineJudgeTarget({ vision: false }) }).moderate(
      dialogue,
      DEFAULT_POLICY,
      caller,
    );
    const user = calls[0]?.request.messages[1];
    expect(user?.content.every((part) => part.type === "text")).toBe(true);
    expect(user ? messageText(user) : "").toContain("3 image(s) that you cannot see");
    const limited = scriptedCaller(SAFE);
    await createPromptedModerator({ target: offlineJudgeTarget({ vision: true, maxImages: 2 }) }).moderate(
      dialogue,
      DEFAULT_POLICY,
      limited.caller,
    );
    const parts = limited.calls[0]?.request.messages[1]?.content ?? [];
    expect(parts.filter((part) => part.type === "image")).toHaveLength(2);
    expect(messageText({ role: "user", content: parts })).toContain("[Image3] (not attached");
  });

  it("returns errored (never safe) when the call fails, and lets cancellation through", async () => {
    const moderator = createPromptedModerator({ target: offlineJudgeTarget() });
    const failing = scriptedCaller(new TargetError("server", "HTTP 500"));
    const result = await moderator.moderate(dialogue, DEFAULT_POLICY, failing.caller);
    expect(result).toMatchObject({ status: "errored", user: null, assistant: null });
    expect(result.error).toContain("HTTP 500");
    const cancelled = scriptedCaller(new CancelledError());
    await expect(moderator.moderate(dialogue, DEFAULT_POLICY, cancelled.caller)).rejects.toBeInstanceOf(
      CancelledError,
    );
    const garbage = await moderator.moderate(
      dialogue,
      DEFAULT_POLICY,
      scriptedCaller("looks fine to me").caller,
    );
    expect(garbage).toMatchObject({ status: "unparsed", raw: "looks fine to me" });
  });

  it("makes no call for a dialogue with only a system message", async () => {
    const { caller, calls } = scriptedCaller(SAFE);
    const systemOnly: Dialogue = {
      ...dialogue,
      messages: [{ role: "system", content: [{ type: "text", text: "hi" }] }],
    };
    const result = await createPromptedModerator({ target: offlineJudgeTarget() }).moderate(
      systemOnly,
      DEFAULT_POLICY,
      caller,
    );
    expect(result).toMatchObject({ status: "ok", user: null, assistant: null });
    expect(calls).toHaveLength(0);
  });
});
