import type { Dialogue, ImageRef, Message } from "../../dialogue/dialogue.ts";
import { type LoadedMtmcsRow, type MtmcsSource, readMtmcsRows } from "./mtmcs-loader.ts";
import type {
  McqItem,
  MtmcsModality,
  MtmcsSide,
  MtmcsSplit,
  MtmcsTurnFields,
  TrueFalseItem,
} from "./mtmcs-row.ts";
import { MTMCS_SIDES } from "./mtmcs-row.ts";

/** What a case carries besides its messages (kept in the stored dialogue, so a resumed run needs no data file). */
export interface MtmcsCaseInfo {
  split: MtmcsSplit;
  modality: MtmcsModality;
  side: MtmcsSide;
  rowId: string;
  unsafeIntent: string;
  /** The MCQ items asked over this side's dialogue. */
  mcq: McqItem[];
  /** The true/false items (unsafe side only). */
  tf: TrueFalseItem[];
  /** The photo's content hash (or path), so each photo is captioned once (multimodal only). */
  imageKey: string | null;
  where: string;
}

/** The three user turns of one side: Type A shares R1-R2 and splits R3; Type B splits R1 and shares R2-R3. */
export function sideTurns(
  split: MtmcsSplit,
  side: MtmcsSide,
  fields: MtmcsTurnFields,
): [string, string, string] {
  if (split === "type_a")
    return [fields.r1, fields.r2, side === "unsafe" ? fields.unsafe_r3 : fields.safe_r3];
  return [side === "unsafe" ? fields.unsafe_r1 : fields.safe_r1, fields.r2, fields.r3];
}

/** The case id: one per row x modality x side, unique across splits. */
export function mtmcsCaseId(
  split: MtmcsSplit,
  rowId: string,
  modality: MtmcsModality,
  side: MtmcsSide,
): string {
  return `${split}/${rowId}/${modality}/${side}`;
}

/**
 * Builds the 3-user-turn dialogue of one row, modality and side. Multimodal dialogues carry
 * the photo on the first user message (the driver re-places it per protocol); unimodal ones
 * use the text-only rewrite and no image.
 */
export function buildMtmcsDialogue(row: LoadedMtmcsRow, modality: MtmcsModality, side: MtmcsSide): Dialogue {
  const fields = row.modalities[modality];
  if (!fields) throw new Error(`row ${row.id} was loaded without the ${modality} modality`);
  const turns = sideTurns(row.split, side, fields.dialogue);
  const image: ImageRef | null = modality === "mm" ? row.image : null;
  const messages: Message[] = turns.map((text, index) => ({
    role: "user",
    content:
      index === 0 && image
        ? [
            { type: "image", image },
            { type: "text", text },
          ]
        : [{ type: "text", text }],
  }));
  const info: MtmcsCaseInfo = {
    split: row.split,
    modality,
    side,
    rowId: row.id,
    unsafeIntent: row.unsafeIntent,
    mcq: fields.mcq.filter((item) => item.side === side),
    tf: side === "unsafe" ? fields.tf : [],
    imageKey: image ? (image.sha256 ?? image.path ?? null) : null,
    where: row.where,
  };
  return {
    version: 1,
    id: mtmcsCaseId(row.split, row.id, modality, side),
    messages,
    labels: { benchmark: "mtmcs", split: row.split, modality, side, rowId: row.id },
    metadata: { mtmcs: info },
  };
}

/** Reads the MTMCS info back from a case dialogue. */
export function mtmcsInfo(dialogue: Dialogue): MtmcsCaseInfo {
  const info = dialogue.metadata.mtmcs as MtmcsCaseInfo | undefined;
  if (!info) throw new Error(`dialogue ${dialogue.id} is not an MTMCS case`);
  return info;
}

export interface MtmcsCaseOptions {
  modalities: readonly MtmcsModality[];
  imageCacheDir: string;
  /** First `limit` rows of each split file. */
  limit?: number;
}

/** Streams every case of the sources: per row, each asked modality, unsafe side then safe side. */
export async function* mtmcsCases(
  sources: readonly MtmcsSource[],
  options: MtmcsCaseOptions,
): AsyncGenerator<Dialogue> {
  for (const source of sources)
    for await (const row of readMtmcsRows(source, options))
      for (const modality of options.modalities)
        for (const side of MTMCS_SIDES) yield buildMtmcsDialogue(row, modality, side);
}
