import { z } from "zod";
import { loadYamlFile } from "../config/load-yaml.ts";
import { InputError } from "../errors.ts";
import { BUILTIN_DIMENSIONS } from "./builtin-dimensions.ts";
import type { Policy, PolicyDimension } from "./moderator.ts";

export { BUILTIN_DIMENSIONS } from "./builtin-dimensions.ts";

/** The default policy: all eight built-in dimensions in their canonical order. */
export const DEFAULT_POLICY: Policy = { name: "default", dimensions: [...BUILTIN_DIMENSIONS] };

/** Lowercased, whitespace-collapsed form used to match dimension names. */
function nameKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, " ");
}

/** Finds a dimension by name (case and spacing ignored) among `dimensions`. */
export function findDimension(
  dimensions: readonly PolicyDimension[],
  name: string,
): PolicyDimension | undefined {
  const key = nameKey(name);
  return dimensions.find((dimension) => nameKey(dimension.name) === key);
}

/**
 * An ordered policy from dimension names: built-in ones, or custom ones given in `custom`
 * (a custom dimension with a built-in's name replaces it). Unknown names are an InputError
 * naming every one of them, and so are duplicates and an empty list.
 */
export function buildPolicy(names: string[], custom: PolicyDimension[] = []): Policy {
  if (names.length === 0) throw new InputError("a policy needs at least one dimension", "policy");
  const unknown: string[] = [];
  const seen = new Set<string>();
  const dimensions: PolicyDimension[] = [];
  for (const name of names) {
    const key = nameKey(name);
    if (seen.has(key)) throw new InputError(`dimension "${name}" is listed twice`, "policy");
    seen.add(key);
    const found = findDimension(custom, name) ?? findDimension(BUILTIN_DIMENSIONS, name);
    if (found) dimensions.push(found);
    else unknown.push(name);
  }
  if (unknown.length > 0)
    throw new InputError(
      `unknown dimension${unknown.length > 1 ? "s" : ""} ${unknown.map((name) => `"${name}"`).join(", ")}; built-in ones: ${BUILTIN_DIMENSIONS.map((dimension) => dimension.name).join(", ")}`,
      "policy",
    );
  const isDefault =
    custom.length === 0 &&
    dimensions.length === BUILTIN_DIMENSIONS.length &&
    dimensions.every((dimension, index) => dimension === BUILTIN_DIMENSIONS[index]);
  return { name: isDefault ? "default" : "custom", dimensions };
}

const BUILTIN_NAMES = BUILTIN_DIMENSIONS.map((dimension) => dimension.name);

const SubdimensionSchema = z.union([
  z
    .string()
    .trim()
    .min(1)
    .transform((name) => ({ name, description: "" })),
  z.object({ name: z.string().trim().min(1), description: z.string().default("") }).strict(),
]);

const CustomDimensionSchema = z
  .object({
    name: z.string().trim().min(1, "a dimension needs a name"),
    description: z.string().trim().min(1, "a custom dimension needs a description"),
    subdimensions: z.array(SubdimensionSchema).default([]),
    allowed: z.union([z.string().transform((line) => [line]), z.array(z.string())]).default([]),
  })
  .strict();

// A plain union would report "Invalid input" for a bad custom dimension; this names the field.
const PolicyItemSchema = z.unknown().transform((value, context): PolicyDimension => {
  if (typeof value === "string") {
    const found = findDimension(BUILTIN_DIMENSIONS, value);
    if (found) return found;
    context.addIssue({
      code: "custom",
      message: `"${value}" is not a built-in dimension; use one of ${BUILTIN_NAMES.join(", ")}, or an object with name and description`,
    });
    return z.NEVER;
  }
  const parsed = CustomDimensionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  return z.NEVER;
});

const PolicyFileSchema = z
  .object({
    name: z.string().trim().min(1).default("custom"),
    dimensions: z
      .array(PolicyItemSchema)
      .min(1, "a policy needs at least one dimension")
      .superRefine((dimensions, context) => {
        const seen = new Set<string>();
        dimensions.forEach((dimension, index) => {
          if (!dimension) return;
          const key = nameKey(dimension.name);
          if (seen.has(key))
            context.addIssue({
              code: "custom",
              path: [index],
              message: `"${dimension.name}" is listed twice`,
            });
          seen.add(key);
        });
      }),
  })
  .strict();

/**
 * Reads a policy from YAML: `name` and an ordered `dimensions` list whose items are built-in
 * names ("Violence & Harm") or custom dimensions `{name, description, subdimensions, allowed}`.
 * Errors name the file, line and field.
 */
export function loadPolicyFile(file: string): Policy {
  const parsed = loadYamlFile(file, PolicyFileSchema);
  return { name: parsed.name, dimensions: parsed.dimensions };
}

/** The position code of the dimension at `index` (0 -> "O1"). */
export function dimensionCode(index: number): string {
  return `O${index + 1}`;
}

/** The dimension a code like "O3" (case ignored) names in this policy, or undefined. */
export function dimensionByCode(policy: Policy, code: string): PolicyDimension | undefined {
  const match = /^\s*O(\d+)\s*$/i.exec(code);
  if (!match) return undefined;
  return policy.dimensions[Number(match[1]) - 1];
}

/**
 * The policy as moderators see it: dimensions numbered O1..Ok by position, each with its
 * description, the subdimensions it covers and what stays allowed.
 */
export function renderPolicy(policy: Policy): string {
  return policy.dimensions
    .map((dimension, index) => {
      const lines = [`${dimensionCode(index)}: ${dimension.name}`];
      if (dimension.description) lines.push(`Description: ${dimension.description}`);
      if (dimension.subdimensions.length > 0) {
        lines.push("Covers:");
        for (const sub of dimension.subdimensions)
          lines.push(sub.description ? `- ${sub.name}: ${sub.description}` : `- ${sub.name}`);
      }
      if (dimension.allowed.length > 0) {
        lines.push("Can (allowed):");
        for (const allowed of dimension.allowed) lines.push(`- ${allowed}`);
      }
      return lines.join("\n");
    })
    .join("\n\n");
}
