import { positiveInteger } from "./run-command.ts";
import { resolveStorePath } from "./store-option.ts";

/** Flags `judge score` and `judge eval` share. */
export interface CommonFlags {
  judge?: string[];
  judgesFile?: string;
  imageDir?: string;
  limit?: string;
  name?: string;
  store?: string;
  reportDir: string;
  concurrency: string;
  cache: boolean;
  retryErrors?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export interface EvalFlags extends CommonFlags {
  data: string;
  task: string;
  format: string;
  promptCol?: string;
  responseCol?: string;
  labelCol?: string;
  categoryCol?: string;
  idCol?: string;
  labelFields?: string;
  positiveValues?: string;
  negativeValues?: string;
  ties: string;
}

export interface ScoreFlags extends CommonFlags {
  breakdown?: string[];
}

/** The request fields both commands take from their shared flags. */
export function shared(flags: CommonFlags) {
  return {
    judges: flags.judge ?? [],
    judgesFile: flags.judgesFile,
    imageDir: flags.imageDir,
    limit: flags.limit ? positiveInteger(flags.limit, "--limit") : undefined,
    name: flags.name,
    store: resolveStorePath(flags.store),
    reportDir: flags.reportDir,
    concurrency: positiveInteger(flags.concurrency, "--concurrency"),
    cache: flags.cache,
    retryErrored: flags.retryErrors,
  };
}
