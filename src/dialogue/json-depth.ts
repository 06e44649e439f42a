/**
 * The path to the first place where `value` nests objects/arrays deeper than `maxDepth`
 * (the top-level value is depth 0), or undefined when it does not. Iterative, so any depth
 * JSON.parse accepted is checked without growing the stack.
 */
export function tooDeepAt(value: unknown, maxDepth: number): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: "" }];
  while (stack.length > 0) {
    const current = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof current.value !== "object" || current.value === null) continue;
    if (current.depth > maxDepth) return current.path || "(record)";
    const entries = Array.isArray(current.value)
      ? current.value.map((item, index) => [String(index), item] as const)
      : Object.entries(current.value);
    for (const [key, item] of entries)
      if (typeof item === "object" && item !== null)
        stack.push({
          value: item,
          depth: current.depth + 1,
          path: current.depth < 4 ? (current.path ? `${current.path}.${key}` : key) : current.path,
        });
  }
  return undefined;
}

/** The message for a value nested too deep at `where`. */
export function tooDeepMessage(path: string, maxDepth: number): string {
  return `${path}: nested deeper than ${maxDepth} levels (objects and arrays); flatten it`;
}
