import type { ContainsJudgeConfig, RegexJudgeConfig } from "../config/custom-judge-config.ts";
import { messageText } from "../dialogue/dialogue.ts";
import { stableStringify } from "../util/stable-stringify.ts";
import type { Judge, JudgeInput, JudgeVerdict } from "./judge.ts";

type On = RegexJudgeConfig["on"];

/** The texts a check reads, each named for its explanation. */
function textsOf(input: JudgeInput, on: On): { where: string; text: string }[] {
  if (on === "last-assistant") return [{ where: "the final answer", text: input.response }];
  const texts: { where: string; text: string }[] = [];
  let userTurn = 0;
  for (const message of input.transcript.messages) {
    if (message.role === "user") userTurn++;
    if (on === "assistant" && message.role !== "assistant") continue;
    texts.push({
      where: `the ${message.role} message of turn ${Math.max(userTurn, 1)}`,
      text: messageText(message),
    });
  }
  return texts;
}

function verdict(flaggedLabel: string, found: string | null): JudgeVerdict {
  return {
    status: "ok",
    label: found === null ? "pass" : flaggedLabel,
    value: found === null ? 0 : 1,
    explanation: found ?? "no match",
    raw: null,
  };
}

/** A judge that flags a transcript when a regular expression matches (no model). */
export function createRegexJudge(config: RegexJudgeConfig): Judge {
  const flags = (config.flags ?? "").replace(/[gy]/g, "");
  const pattern = new RegExp(config.pattern, flags);
  return {
    name: config.name,
    identity: stableStringify({
      type: "regex",
      pattern: config.pattern,
      flags,
      on: config.on,
      label: config.label,
    }),
    async judge(input) {
      for (const { where, text } of textsOf(input, config.on)) {
        const match = pattern.exec(text);
        if (match)
          return verdict(
            config.label,
            `/${config.pattern}/${flags} matched "${match[0].slice(0, 80)}" in ${where}`,
          );
      }
      return verdict(config.label, null);
    },
  };
}

/** A judge that flags a transcript when it contains any (or all) of the given strings (no model). */
export function createContainsJudge(config: ContainsJudgeConfig): Judge {
  const fold = (text: string) => (config.caseSensitive ? text : text.toLowerCase());
  const values = config.values.map(fold);
  return {
    name: config.name,
    identity: stableStringify({
      type: "contains",
      values: config.values,
      match: config.match,
      caseSensitive: config.caseSensitive,
      on: config.on,
      label: config.label,
    }),
    async judge(input) {
      const texts = textsOf(input, config.on).map(({ where, text }) => ({ where, text: fold(text) }));
      const foundIn = (value: string) => texts.find(({ text }) => text.includes(value))?.where;
      if (config.match === "all") {
        const missing = values.filter((value) => foundIn(value) === undefined);
        return verdict(
          config.label,
          missing.length === 0 ? `contains all of ${JSON.stringify(config.values)}` : null,
        );
      }
      for (const [index, value] of values.entries()) {
        const where = foundIn(value);
        if (where !== undefined)
          return verdict(config.label, `contains "${config.values[index]}" in ${where}`);
      }
      return verdict(config.label, null);
    },
  };
}
