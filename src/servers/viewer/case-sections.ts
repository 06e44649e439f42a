import type { CaseRecord, RunRecord, ScoreRecord } from "../../engine/store.ts";
import type { Html } from "./viewer-layout.ts";

/**
 * Extra sections of a case page for one recipe: the hook for recipe-specific views. A red-team
 * recipe registers here the search tree and best path of its cases (rendered after the verdicts).
 */
export type CaseSection = (input: {
  run: RunRecord;
  record: CaseRecord;
  scores: ScoreRecord[];
}) => Html | undefined;

const SECTIONS = new Map<string, CaseSection[]>();

/** Adds a section to the case pages of runs of `recipe` (the recipe name stored on the run). */
export function registerCaseSection(recipe: string, section: CaseSection): void {
  SECTIONS.set(recipe, [...(SECTIONS.get(recipe) ?? []), section]);
}

export function caseSections(recipe: string): readonly CaseSection[] {
  return SECTIONS.get(recipe) ?? [];
}
