import type { DatabaseSync, StatementSync } from "node:sqlite";
import { openSqlite } from "../../engine/open-sqlite.ts";
import { isPostgresUrl, sqliteFile } from "../../engine/open-store.ts";
import type { SearchNode } from "./search-node.ts";

const PUT = `INSERT INTO search_nodes (run_id, case_id, node_id, parent_id, path, score, node, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id, case_id, node_id) DO UPDATE SET
  parent_id = excluded.parent_id, path = excluded.path, score = excluded.score, node = excluded.node`;
const LIST = "SELECT node FROM search_nodes WHERE run_id = ? AND case_id = ? ORDER BY node_id";

/**
 * The `search_nodes` table (created with the store's added tables): every node of every search,
 * written as the search goes, in batches (one transaction per `batch` nodes, and at each search's
 * end, when every node is rewritten with its final statistics) on a connection of its own.
 * Resume does not depend on it: a rerun replays a search from its stored calls (work keys follow
 * node paths) and rewrites the same rows. A `:memory:` store keeps the nodes in memory, and so does
 * a PostgreSQL store for now (the table is a by-product: reports and exports read each search's
 * tree from its stored case result).
 */
export class SearchNodeTable {
  readonly #db: DatabaseSync | undefined;
  readonly #put: StatementSync | undefined;
  readonly #memory = new Map<string, Map<number, string>>();
  readonly #held: [string, string, SearchNode][] = [];
  readonly #batch: number;

  constructor(storePath: string, batch = 64) {
    this.#batch = batch;
    if (storePath !== ":memory:" && !isPostgresUrl(storePath)) {
      this.#db = openSqlite(sqliteFile(storePath));
      this.#put = this.#db.prepare(PUT);
    }
  }

  put(runId: string, caseId: string, node: SearchNode): void {
    this.#held.push([runId, caseId, node]);
    if (this.#held.length >= this.#batch) this.flush();
  }

  /** Writes the held nodes in one transaction. */
  flush(): void {
    if (this.#held.length === 0) return;
    const createdAt = new Date().toISOString();
    const rows = this.#held.splice(0);
    if (!this.#db || !this.#put) {
      for (const [runId, caseId, node] of rows) {
        const key = `${runId}\n${caseId}`;
        const nodes = this.#memory.get(key) ?? new Map<number, string>();
        nodes.set(node.id, JSON.stringify(node));
        this.#memory.set(key, nodes);
      }
      return;
    }
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const [runId, caseId, node] of rows)
        this.#put.run(
          runId,
          caseId,
          node.id,
          node.parent,
          node.path,
          node.score,
          JSON.stringify(node),
          createdAt,
        );
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** A search's stored nodes, by id. */
  list(runId: string, caseId: string): SearchNode[] {
    this.flush();
    if (!this.#db)
      return [...(this.#memory.get(`${runId}\n${caseId}`)?.values() ?? [])].map((row) => JSON.parse(row));
    return this.#db
      .prepare(LIST)
      .all(runId, caseId)
      .map((row) => JSON.parse(String((row as { node: string }).node)) as SearchNode);
  }

  close(): void {
    this.flush();
    if (this.#db?.isOpen) this.#db.close();
  }
}
