import type { DataHashRecord } from "../dialogue/streamed-data-hash.ts";
import type { SqlValue } from "./pending-writes.ts";
import type { StoreQueries } from "./sqlite-queries.ts";

/** A run's data hash (table `data_hashes`, one row a run): written once its data was read to the end. */
export interface DataHashStore {
  get(runId: string): DataHashRecord | undefined;
  put(runId: string, record: DataHashRecord): void;
}

const PUT = `INSERT INTO data_hashes (run_id, file, size, block_bytes, full_hash, blocks, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id) DO UPDATE SET file = excluded.file, size = excluded.size,
  block_bytes = excluded.block_bytes, full_hash = excluded.full_hash, blocks = excluded.blocks`;

/** The data hashes through a store's reads and run-level writes (plain SQL, also run on PostgreSQL). */
export function sqlDataHashStore(
  query: Pick<StoreQueries, "get">,
  write: (sql: string, ...values: SqlValue[]) => void,
): DataHashStore {
  return {
    get(runId) {
      const row = query.get("SELECT * FROM data_hashes WHERE run_id = ?", runId);
      if (!row) return undefined;
      return {
        file: row.file as string,
        size: Number(row.size),
        blockBytes: Number(row.block_bytes),
        fullHash: row.full_hash as string,
        blocks: row.blocks as string,
      };
    },
    put(runId, record) {
      write(
        PUT,
        runId,
        record.file,
        record.size,
        record.blockBytes,
        record.fullHash,
        record.blocks,
        new Date().toISOString(),
      );
    },
  };
}
