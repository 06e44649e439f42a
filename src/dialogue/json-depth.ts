/**
 * The path to the first place where `value` nests objects/arrays deeper than `maxDepth`
 * (the top-level value is depth 0), or undefined when it does not. Iterative, so any depth
 * JSON.parse accepted is checked without growing the stack; the path is only built on failure.
 */
export function tooDeepAt(value: unknown, maxDepth: number): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const values: object[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return pathTo(value, current);
    if (Array.isArray(current)) {
      for (const item of current)
        if (typeof item === "object" && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
    } else
      for (const key in current) {
        const item = (current as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
  }
  return undefined;
}

/** The first few keys leading from `root` to `target`: the same walk again, tracking paths. */
function pathTo(root: object, target: object): string {
  const stack: { value: object; path: string[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: object; path: string[] };
    if (value === target) {
      const shown = path.slice(0, 4).join(".");
      return path.length > 4 ? `${shown}...` : shown || "(record)";
    }
    for (const [key, item] of Object.entries(value))
      if (typeof item === "object" && item !== null)
        stack.push({ value: item, path: [...path.slice(0, 5), key] });
  }
  return "(record)";
}

/** The message for a value nested too deep at `where`. */
export function tooDeepMessage(path: string, maxDepth: number): string {
  return `${path}: nested deeper than ${maxDepth} levels (objects and arrays); flatten it`;
}
