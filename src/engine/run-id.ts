import { sha256Hex } from "../dialogue/image-ref.ts";
import { stableStringify } from "./request-hash.ts";

/**
 * A run's id: its name plus a short hash of what determines its results (`identity`), so
 * rerunning the same command resumes the same run and a changed one starts anew. Every
 * benchmark's run ids are made here, so ids of existing stores keep matching.
 */
export function runIdFor(name: string, identity: unknown): string {
  return `${name}-${sha256Hex(stableStringify(identity)).slice(0, 10)}`;
}
