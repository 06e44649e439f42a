import type { CaseRecord } from "../../engine/store.ts";
import type { MtmcsCaseInfo } from "./mtmcs-cases.ts";
import type { MtmcsArmResult, MtmcsCaseResult } from "./mtmcs-play.ts";

/** Answers to one kind of intent question: correct among parsed, plus what could not be graded. */
export interface IntentTally {
  correct: number;
  parsed: number;
  unparsed: number;
  errored: number;
}

/** Judge scores of one quality. */
export interface ScoreTally {
  values: number[];
  unparsed: number;
  errored: number;
}

/** Everything counted for one split x modality x target x defence. */
export interface MtmcsGroup {
  split: string;
  modality: string;
  targetId: string;
  defence: string;
  mcqSafe: IntentTally;
  mcqUnsafe: IntentTally;
  trueFalse: IntentTally;
  safetyAwareness: ScoreTally;
  helpfulness: ScoreTally;
  /** Dialogues whose conversation failed (no transcript to question or judge). */
  failedDialogues: number;
}

/** A judged dialogue, as a candidate for the worst-dialogue lists. */
export interface JudgedDialogue {
  caseId: string;
  armKey: string;
  targetId: string;
  defence: string;
  split: string;
  modality: string;
  value: number;
  explanation: string | null;
  /** Position of the case in the run, to break ties deterministically. */
  index: number;
}

const emptyIntent = (): IntentTally => ({ correct: 0, parsed: 0, unparsed: 0, errored: 0 });
const emptyScores = (): ScoreTally => ({ values: [], unparsed: 0, errored: 0 });

/**
 * Accumulates MTMCS case results in one streaming pass: per-group tallies, and the `keep`
 * lowest SA and helpfulness dialogues. Errored cases count with whatever their arms finished.
 */
export class MtmcsAggregator {
  readonly groups = new Map<string, MtmcsGroup>();
  readonly worstSafety: JudgedDialogue[] = [];
  readonly worstHelpfulness: JudgedDialogue[] = [];
  readonly #keep: number;

  constructor(keep: number) {
    this.#keep = keep;
  }

  /** Adds one stored case. */
  add(record: CaseRecord): void {
    const info = record.dialogue.metadata.mtmcs as MtmcsCaseInfo | undefined;
    const result = record.result as MtmcsCaseResult | null;
    if (!info || !result?.arms) return;
    for (const [armKey, arm] of Object.entries(result.arms)) this.#addArm(record, info, armKey, arm);
  }

  #addArm(record: CaseRecord, info: MtmcsCaseInfo, armKey: string, arm: MtmcsArmResult): void {
    const key = [info.split, info.modality, arm.targetId, arm.defence].join("\u001f");
    let group = this.groups.get(key);
    if (!group) {
      group = {
        split: info.split,
        modality: info.modality,
        targetId: arm.targetId,
        defence: arm.defence,
        mcqSafe: emptyIntent(),
        mcqUnsafe: emptyIntent(),
        trueFalse: emptyIntent(),
        safetyAwareness: emptyScores(),
        helpfulness: emptyScores(),
        failedDialogues: 0,
      };
      this.groups.set(key, group);
    }
    if (arm.error) group.failedDialogues++;
    for (const answer of arm.intent) {
      const tally =
        answer.kind === "tf" ? group.trueFalse : answer.side === "safe" ? group.mcqSafe : group.mcqUnsafe;
      if (answer.status === "errored") tally.errored++;
      else if (answer.status === "unparsed" || answer.correct === null) tally.unparsed++;
      else {
        tally.parsed++;
        if (answer.correct) tally.correct++;
      }
    }
    const judgement = arm.judgement;
    if (!judgement) return;
    const safety = judgement.kind === "safety-awareness";
    const tally = safety ? group.safetyAwareness : group.helpfulness;
    if (judgement.status === "errored") tally.errored++;
    else if (judgement.status === "unparsed" || judgement.value === null) tally.unparsed++;
    else {
      tally.values.push(judgement.value);
      this.#offer(safety ? this.worstSafety : this.worstHelpfulness, {
        caseId: record.caseId,
        armKey,
        targetId: arm.targetId,
        defence: arm.defence,
        split: info.split,
        modality: info.modality,
        value: judgement.value,
        explanation: judgement.explanation,
        index: record.index,
      });
    }
  }

  #offer(list: JudgedDialogue[], entry: JudgedDialogue): void {
    list.push(entry);
    list.sort((a, b) => a.value - b.value || a.index - b.index || a.armKey.localeCompare(b.armKey));
    if (list.length > this.#keep) list.length = this.#keep;
  }

  /** Groups in a stable order: split, modality, target, then defence as first seen. */
  sortedGroups(): MtmcsGroup[] {
    return [...this.groups.values()].sort(
      (a, b) =>
        a.split.localeCompare(b.split) ||
        a.modality.localeCompare(b.modality) ||
        a.targetId.localeCompare(b.targetId),
    );
  }
}

/** Accuracy over parsed answers (reference) and strict accuracy (unparsed counted wrong; errored calls left out). */
export function accuracies(tally: IntentTally): { reference: number | null; strict: number | null } {
  const strictTotal = tally.parsed + tally.unparsed;
  return {
    reference: tally.parsed ? tally.correct / tally.parsed : null,
    strict: strictTotal ? tally.correct / strictTotal : null,
  };
}
