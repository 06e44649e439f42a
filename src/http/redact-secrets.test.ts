import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MIN_SECRET_LENGTH,
  REDACTED,
  redactedLine,
  redactSecrets,
  redactSecretsDeep,
  SECRET_PREFIX_SHOWN,
  secretPrefixAtEnd,
} from "./redact-secrets.ts";

const KEY = "sk-test-0123456789abcdef";

describe("redactSecrets", () => {
  it("replaces every occurrence of every secret", () => {
    expect(redactSecrets(`a ${KEY} b ${KEY} c hdr-value`, [KEY, "hdr-value"])).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it("ignores values too short to be secrets, so messages stay readable", () => {
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(redactSecrets("HTTP 401: bad key", ["1", "", "abc"])).toBe("HTTP 401: bad key");
    expect(redactSecrets("key abcd", ["abcd"])).toBe(`key ${REDACTED}`);
  });

  it("never leaves a secret in its output (property)", () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{4,24}$/);
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        fc.array(fc.string()),
        (secrets, parts) => {
          const text = parts.map((part, index) => part + (secrets[index % secrets.length] ?? "")).join("");
          const out = redactSecrets(text, secrets);
          for (const value of secrets) expect(out.includes(value)).toBe(false);
        },
      ),
    );
  });
});

describe("redactedLine", () => {
  it("redacts, then puts the text on one bounded line", () => {
    expect(redactedLine(`bad\n  key ${KEY}\tthere`, [KEY])).toBe(`bad key ${REDACTED} there`);
    const long = redactedLine("x".repeat(400), []);
    expect(long).toBe(`${"x".repeat(300)}…`);
    expect(redactedLine("y".repeat(20), [], 10)).toBe(`${"y".repeat(10)}…`);
  });
});

describe("redactSecretsDeep", () => {
  it("redacts strings and keys at any depth and leaves the rest", () => {
    const value = { id: `model-${KEY}`, [KEY]: [1, { text: `echo ${KEY}` }, null], ok: true };
    expect(redactSecretsDeep(value, [KEY])).toEqual({
      id: `model-${REDACTED}`,
      [REDACTED]: [1, { text: `echo ${REDACTED}` }, null],
      ok: true,
    });
  });

  it("returns the value itself when no secret can be searched for", () => {
    const value = { a: "b" };
    expect(redactSecretsDeep(value, [])).toBe(value);
    expect(redactSecretsDeep(value, ["ab"])).toBe(value);
  });
});

describe("secretPrefixAtEnd (a key split across stream chunks)", () => {
  it("holds back text ending in more than the shown prefix of a key", () => {
    const chunks = ["My key is sk-t", "est-0123", "456789abcdef."];
    expect(secretPrefixAtEnd(chunks[0] as string, [KEY])).toBe(true);
    expect(secretPrefixAtEnd(chunks.slice(0, 2).join(""), [KEY])).toBe(true);
    // Once the whole key has arrived, redacting the joined text removes it.
    expect(redactSecrets(chunks.join(""), [KEY])).toBe(`My key is ${REDACTED}.`);
  });

  it("lets through a prefix no longer than SECRET_PREFIX_SHOWN and text that is no prefix", () => {
    expect(secretPrefixAtEnd(`ends with ${KEY.slice(0, SECRET_PREFIX_SHOWN)}`, [KEY])).toBe(false);
    expect(secretPrefixAtEnd("ends with sk-x", [KEY])).toBe(false);
    expect(secretPrefixAtEnd("ends with abc", ["abc"])).toBe(false);
  });
});
