import type { z } from "zod";

/** One validation problem as people read it: `field: expected X, found Y`. */
export interface FormattedIssue {
  path: (string | number)[];
  field: string;
  message: string;
}

/**
 * Formats zod issues against the value that was validated: each names the field, what was
 * expected and what was found, and for an unknown key the nearest valid key of the schema.
 */
export function formatIssues(error: z.ZodError, input: unknown, schema?: z.ZodType): FormattedIssue[] {
  const out: FormattedIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((key) => (typeof key === "number" ? key : String(key)));
    if (issue.code === "unrecognized_keys") {
      const valid = schema ? schemaKeysAt(schema, path) : [];
      for (const key of issue.keys) {
        const near = nearest(key, valid);
        const hint = near
          ? ` (did you mean "${near}"?)`
          : valid.length
            ? `; valid fields: ${valid.join(", ")}`
            : "";
        const full = [...path, key];
        out.push({ path: full, field: full.join("."), message: `unknown field${hint}` });
      }
      continue;
    }
    const branch = issue.code === "invalid_union" ? matchingBranch(issue.errors) : undefined;
    if (branch) {
      // One form of the union fits the value's shape: its own problems say more than "one of".
      const nested = { issues: branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })) };
      out.push(...formatIssues(nested as z.ZodError, input, schema));
      continue;
    }
    out.push({
      path,
      field: path.join(".") || "(record)",
      message: describeIssue(issue, valueAt(input, path)),
    });
  }
  return out;
}

/**
 * The one union branch whose problems are not about the value's kind (a wrong type at its root,
 * or a wrong literal such as `type: safety` in the other branches), if exactly one is.
 */
function matchingBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): readonly z.core.$ZodIssue[] | undefined {
  const fitting = branches.filter(
    (issues) =>
      issues.length > 0 &&
      !issues.some(
        (inner) =>
          (inner.code === "invalid_type" && inner.path.length === 0) ||
          (inner.code === "invalid_value" && inner.path.length <= 1),
      ),
  );
  return fitting.length === 1 ? fitting[0] : undefined;
}

/** The issues as one line: `a.b: expected X, found Y; c: ...` (at most `max`, then a count). */
export function issuesLine(issues: readonly FormattedIssue[], max = 5): string {
  const shown = issues.slice(0, max).map((issue) => `${issue.field}: ${issue.message}`);
  if (issues.length > max) shown.push(`and ${issues.length - max} more`);
  return shown.join("; ");
}

function describeIssue(issue: z.core.$ZodIssue, found: unknown): string {
  const foundText = `found ${describeValue(found)}`;
  switch (issue.code) {
    case "invalid_type":
      return found === undefined
        ? `required (expected ${issue.expected})`
        : `expected ${issue.expected}, ${foundText}`;
    case "invalid_value":
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(" | ")}, ${foundText}`;
    case "invalid_union": {
      const custom = issue.message && !/^Invalid input/.test(issue.message) ? issue.message : undefined;
      const expected = custom ?? "expected one of the accepted forms";
      return found === undefined ? `required (${expected})` : `${expected}, ${foundText}`;
    }
    default: {
      const message = issue.message.replace(/^Invalid input:?\s*/i, "");
      return found === undefined || /found|got|received/i.test(message)
        ? message || "invalid"
        : `${message || "invalid"}, ${foundText}`;
    }
  }
}

/** A short, safe rendering of a found value. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `${JSON.stringify(shown)} (string)`;
  }
  return `${String(value)} (${typeof value})`;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  getter?: () => z.ZodType;
};

/** The keys an object schema accepts at `path` (through optional, default, arrays, unions, records). */
export function schemaKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let candidates: z.ZodType[] = [schema];
  for (const key of [...path, undefined]) {
    const next: z.ZodType[] = [];
    const expand = (node: z.ZodType, depth: number): void => {
      const def = (node as unknown as { _zod: { def: Def } })._zod.def;
      if (depth > 20) return;
      if (def.innerType) {
        expand(def.innerType, depth + 1);
        return;
      }
      if (def.type === "pipe" && def.in) {
        expand(def.in, depth + 1);
        return;
      }
      if (def.type === "lazy" && def.getter) {
        expand(def.getter(), depth + 1);
        return;
      }
      if (def.type === "union" && def.options) {
        for (const option of def.options) expand(option, depth + 1);
        return;
      }
      if (key === undefined) {
        if (def.type === "object") next.push(node);
        return;
      }
      if (def.type === "object" && typeof key === "string" && def.shape?.[key]) next.push(def.shape[key]);
      else if (def.type === "array" && typeof key === "number" && def.element) next.push(def.element);
      else if (def.type === "record" && def.valueType) next.push(def.valueType);
    };
    for (const candidate of candidates) expand(candidate, 0);
    candidates = next;
  }
  const keys = new Set<string>();
  for (const node of candidates)
    for (const key of Object.keys((node as unknown as { _zod: { def: Def } })._zod.def.shape ?? {}))
      keys.add(key);
  return [...keys];
}

/** The candidate closest to `word` by edit distance, when it is close enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}
