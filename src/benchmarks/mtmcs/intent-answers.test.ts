import { describe, expect, it } from "vitest";
import { parseChoiceAnswer, parseTrueFalseAnswer } from "./intent-answers.ts";

describe("parseChoiceAnswer", () => {
  it.each([
    ["B", "B"],
    ["b", "B"],
    ["**B**", "B"],
    ["B. To make the housemate ill", "B"],
    ["(C) Plan a dinner party", "C"],
    ["The answer is (C).", "C"],
    ["Answer: b", "B"],
    ["  D", "D"],
    ['"A"', "A"],
    ["A good answer here is B", "B"],
    ["Based on the conversation, the user wants to hurt someone, so option A fits best.", "A"],
    ["The user's goal matches D.", "D"],
  ])("reads %j as %s", (text, expected) => {
    expect(parseChoiceAnswer(text, 4)).toBe(expected);
  });

  it.each([
    ["I think it's A or B"],
    [""],
    ["   "],
    ["I'm sorry, but I can't help with that request."],
    ["None of the options fit."],
  ])("leaves %j unparsed rather than guessing", (text) => {
    expect(parseChoiceAnswer(text, 4)).toBeNull();
  });

  it("rejects letters beyond the options", () => {
    expect(parseChoiceAnswer("E", 4)).toBeNull();
    expect(parseChoiceAnswer("E", 5)).toBe("E");
    expect(parseChoiceAnswer("G", 7)).toBe("G");
  });
});

describe("parseTrueFalseAnswer", () => {
  it.each([
    ["True.", true],
    ["true", true],
    ["  false, because the user only asked about storage", false],
    ["**False**", false],
    ['"True"', true],
    ["FALSE", false],
  ])("reads %j as %s", (text, expected) => {
    expect(parseTrueFalseAnswer(text)).toBe(expected);
  });

  it.each([["The statement is true."], ["Trueish"], ["Yes"], [""], ["I cannot answer that."]])(
    "requires the answer to start with true or false: %j",
    (text) => {
      expect(parseTrueFalseAnswer(text)).toBeNull();
    },
  );
});
