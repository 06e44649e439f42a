import { describe, expect, it } from "vitest";
import { isRecord, jsonResponse, parseJsonOrUndefined } from "./json.ts";

describe("JSON helpers", () => {
  it("tells plain objects from arrays, null and scalars", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord("x")).toBe(false);
  });

  it("parses JSON or gives undefined", () => {
    expect(parseJsonOrUndefined('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonOrUndefined("{nope")).toBeUndefined();
  });

  it("answers JSON text with its content type and extra headers", async () => {
    const plain = jsonResponse(404, '{"a":1}');
    expect(plain.status).toBe(404);
    expect(plain.headers.get("content-type")).toBe("application/json");
    const extra = jsonResponse(200, "{}", { "x-request-id": "r1" });
    expect(extra.headers.get("x-request-id")).toBe("r1");
    expect(extra.headers.get("content-type")).toBe("application/json");
    expect(await extra.text()).toBe("{}");
  });
});
