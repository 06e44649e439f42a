import type { ScoreStatus } from "../../contracts/index.ts";
import type { CaseStatus } from "../../engine/store.ts";
import { InputError } from "../../errors.ts";
import type { CaseQuery } from "./case-filter.ts";

/** Cases per grid page. */
export const PAGE_SIZE = 50;

/** The grid's filters as URL parameters, in the order the form shows them. */
export const FILTER_PARAMS = [
  "status",
  "judge",
  "target",
  "defence",
  "verdict",
  "score",
  "turns",
  "category",
  "q",
  "sort",
] as const;

const CASE_STATUSES: readonly CaseStatus[] = ["pending", "done", "errored"];
const SCORE_STATUSES: readonly ScoreStatus[] = ["ok", "unparsed", "errored"];
const SORTS = ["index", "score-desc", "score-asc"] as const;

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${field} must be one of ${allowed.join(", ")}; got "${value}"`, field);
}

/**
 * The grid query of a URL's parameters (empty ones ignored); a bad value is an InputError
 * naming the parameter.
 */
export function parseCaseQuery(params: URLSearchParams): CaseQuery {
  const get = (name: string) => {
    const value = params.get(name)?.trim();
    return value ? value : undefined;
  };
  const query: CaseQuery = { offset: 0, limit: PAGE_SIZE };
  const status = get("status");
  if (status) query.status = oneOf(status, CASE_STATUSES, "status");
  const score = get("score");
  if (score) query.scoreStatus = oneOf(score, SCORE_STATUSES, "score");
  const sort = get("sort");
  if (sort) query.sort = oneOf(sort, SORTS, "sort");
  for (const [param, key] of [
    ["judge", "judge"],
    ["target", "target"],
    ["defence", "defence"],
    ["verdict", "verdict"],
    ["category", "category"],
    ["q", "text"],
  ] as const) {
    const value = get(param);
    if (value === undefined) continue;
    if (value.length > 200) throw new InputError(`${param} is longer than 200 characters`, param);
    query[key] = value;
  }
  const turns = get("turns");
  if (turns) {
    if (!/^\d{1,4}$/.test(turns))
      throw new InputError(`turns must be a whole number; got "${turns}"`, "turns");
    query.turns = Number(turns);
  }
  const page = get("page");
  if (page) {
    if (!/^\d{1,7}$/.test(page) || Number(page) < 1)
      throw new InputError(`page must be a whole number from 1; got "${page}"`, "page");
    query.offset = (Number(page) - 1) * PAGE_SIZE;
  }
  return query;
}

/** The URL parameters of the current filter with some changed (undefined removes one). */
export function withParams(params: URLSearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams();
  for (const [name, value] of params) if (value !== "" && !(name in changes)) next.set(name, value);
  for (const [name, value] of Object.entries(changes)) if (value !== undefined) next.set(name, value);
  const text = next.toString();
  return text ? `?${text}` : "";
}
