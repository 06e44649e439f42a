import type { Policy } from "../moderator.ts";

/** The built-in dimensions the local guard has scorers for, by short key. */
export type DimensionKey =
  | "violence"
  | "hate"
  | "sexual"
  | "selfHarm"
  | "illegal"
  | "deception"
  | "privacy"
  | "disruption";

export const DIMENSION_KEYS: readonly DimensionKey[] = [
  "violence",
  "hate",
  "sexual",
  "selfHarm",
  "illegal",
  "deception",
  "privacy",
  "disruption",
];

/** The canonical name of each built-in dimension (spec/moderator.md). */
export const DIMENSION_NAMES: Readonly<Record<DimensionKey, string>> = {
  violence: "Violence & Harm",
  hate: "Hate & Harassment",
  sexual: "Sexual Content",
  selfHarm: "Self-Harm & Suicide",
  illegal: "Illegal Activities",
  deception: "Deception & Misinformation",
  privacy: "Privacy Violation",
  disruption: "Malicious Disruption",
};

/** A weight per dimension; missing dimensions weigh nothing. */
export type DimensionWeights = Partial<Record<DimensionKey, number>>;

/** One dimension of a policy as the guard sees it: its name and, if built in, its scorer key. */
export interface ListedDimension {
  name: string;
  key: DimensionKey | null;
}

// "&" and "and", case and spacing are not meaningful in a dimension's name.
function comparable(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z]+/g, " ")
    .trim();
}

const KEY_BY_NAME = new Map<string, DimensionKey>(
  DIMENSION_KEYS.map((key) => [comparable(DIMENSION_NAMES[key]), key]),
);

/**
 * The policy's dimensions in order, each mapped to a built-in scorer when its name is a
 * built-in one. Custom dimensions map to null: the guard has no scorer for them.
 */
export function listedDimensions(policy: Policy): ListedDimension[] {
  return policy.dimensions.map((dimension) => ({
    name: dimension.name,
    key: KEY_BY_NAME.get(comparable(dimension.name)) ?? null,
  }));
}
