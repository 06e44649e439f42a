import { createHash } from "node:crypto";
import { InputError } from "../errors.ts";

/** Bytes hashed per block: a block is checked before any line ending in it is played. */
export const DATA_HASH_BLOCK_BYTES = 256 * 1024;
/** Hex characters kept of each block's sha256 (64 bits: no edit slips through by chance). */
const BLOCK_HEX = 16;

/**
 * The full content hash of a data file as a run read it to the end: the sha256 of every block in
 * order (`blocks`: each block's truncated sha256, concatenated hex), so a later session can check
 * each block as it streams past instead of only at the end.
 */
export interface DataHashRecord {
  file: string;
  size: number;
  blockBytes: number;
  /** sha256 (hex) of the whole file's bytes. */
  fullHash: string;
  blocks: string;
}

/** What the line reader feeds: whole blocks (the last may be short), then the end. */
export interface ChunkHasher {
  readonly blockBytes: number;
  /** Called with each block before any line ending in it is yielded; throws to stop the read. */
  update(block: Buffer): void;
  /** Called once the file has been read to its end, before its last line is yielded. */
  end(): void;
}

/**
 * Hashes a data file while it streams. Given the record a previous session of the run stored,
 * each block is compared as it is read, and a difference stops the read with an InputError naming
 * the file before any line from the changed block is played, so nothing of the changed data is
 * stored. Read to the end without a difference, `onComplete` gets the record (to store with the
 * run when it had none).
 */
export class StreamedDataHash implements ChunkHasher {
  readonly blockBytes: number;
  readonly #file: string;
  readonly #expected: DataHashRecord | undefined;
  readonly #onComplete: (record: DataHashRecord) => void;
  readonly #runLabel: string;
  readonly #whole = createHash("sha256");
  #blocks: string[] = [];
  #size = 0;

  constructor(options: {
    file: string;
    expected: DataHashRecord | undefined;
    runLabel: string;
    onComplete: (record: DataHashRecord) => void;
    /** Block size of a first read (default DATA_HASH_BLOCK_BYTES); a later one uses the record's. */
    blockBytes?: number;
  }) {
    this.#file = options.file;
    this.#expected = options.expected;
    this.#runLabel = options.runLabel;
    this.#onComplete = options.onComplete;
    this.blockBytes = options.expected?.blockBytes ?? options.blockBytes ?? DATA_HASH_BLOCK_BYTES;
  }

  update(block: Buffer): void {
    const index = this.#blocks.length;
    const digest = createHash("sha256").update(block).digest("hex").slice(0, BLOCK_HEX);
    const expected = this.#expected?.blocks.slice(index * BLOCK_HEX, (index + 1) * BLOCK_HEX);
    if (expected !== undefined && digest !== expected)
      this.#changed(`bytes ${this.#size} to ${this.#size + block.length - 1} differ`, true);
    this.#whole.update(block);
    this.#blocks.push(digest);
    this.#size += block.length;
  }

  end(): void {
    const record: DataHashRecord = {
      file: this.#file,
      size: this.#size,
      blockBytes: this.blockBytes,
      fullHash: this.#whole.digest("hex"),
      blocks: this.#blocks.join(""),
    };
    if (
      this.#expected &&
      (record.size !== this.#expected.size || record.fullHash !== this.#expected.fullHash)
    )
      this.#changed(
        record.size === this.#expected.size
          ? "its content differs"
          : `it is ${record.size} bytes long, was ${this.#expected.size}`,
        record.size === this.#expected.size,
      );
    this.#onComplete(record);
  }

  #changed(difference: string, sameSize: boolean): never {
    const same = sameSize ? ", though its size and modification time are as they were" : "";
    throw new InputError(
      `the file changed since ${this.#runLabel} (${difference}${same}); nothing of the changed data was played. ` +
        "To run the new content, start a new run: give the run another name (`name:` in the config), " +
        `or touch the file (\`touch ${this.#file}\`) so that its modification time changes`,
      this.#file,
    );
  }
}
