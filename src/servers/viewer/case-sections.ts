import type { Message } from "../../dialogue/dialogue.ts";
import type { CaseRecord, RunRecord, ScoreRecord } from "../../engine/store.ts";
import type { Html } from "./viewer-layout.ts";

/**
 * Extra sections of a case page for one recipe: the hook for recipe-specific views. The red-team
 * recipe registers here the search tree and best path of its cases (`redteam-case-section.ts`,
 * rendered after the verdicts).
 */
export type CaseSection = (input: {
  run: RunRecord;
  record: CaseRecord;
  scores: ScoreRecord[];
  /** The case page's path (`/runs/<run>/cases/<case>`): images are served under `<base>/images/`. */
  base: string;
  imageBaseDir: string | undefined;
}) => Html | undefined | Promise<Html | undefined>;

/** Messages beyond the dialogue's whose images a recipe's section shows (served by content hash). */
export type CaseMessages = (record: CaseRecord) => readonly Message[];

const SECTIONS = new Map<string, CaseSection[]>();
const MESSAGES = new Map<string, CaseMessages>();

/** Adds a section to the case pages of runs of `recipe` (the recipe name stored on the run). */
export function registerCaseSection(recipe: string, section: CaseSection, messages?: CaseMessages): void {
  SECTIONS.set(recipe, [...(SECTIONS.get(recipe) ?? []), section]);
  if (messages) MESSAGES.set(recipe, messages);
}

export function caseSections(recipe: string): readonly CaseSection[] {
  return SECTIONS.get(recipe) ?? [];
}

/** The messages whose images a case of `recipe` may serve: the dialogue's and its sections'. */
export function caseMessages(recipe: string, record: CaseRecord): Message[] {
  const extra = MESSAGES.get(recipe);
  return [...record.dialogue.messages, ...(extra ? extra(record) : [])];
}
