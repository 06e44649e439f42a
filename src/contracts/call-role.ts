/** The roles whose calls and costs are counted apart. */
export type CallRole = "target" | "attacker" | "judge" | "moderator" | "captioner" | "image";

/** How a score turned out: `unparsed` and `errored` are counted and shown, never read as safe. */
export type ScoreStatus = "ok" | "unparsed" | "errored";
