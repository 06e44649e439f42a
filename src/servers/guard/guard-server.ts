import { listen } from "../../util/listen.ts";
import { createGuardApp } from "./guard-app.ts";
import type { GuardMetrics } from "./guard-metrics.ts";
import type { GuardOptions } from "./guard-options.ts";

/** Options of {@link startGuardServer}: the guard's own plus where to listen. */
export interface StartGuardOptions extends GuardOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

/** A guard listening on a port. */
export interface RunningGuard {
  /** Base URL ending in `/v1`, ready for an OpenAI client's `baseURL`. */
  url: string;
  port: number;
  metrics: GuardMetrics;
  /** Stops listening, drops open connections and closes the audit log. */
  close(): Promise<void>;
}

/** Starts the guard over HTTP on `host:port`. */
export async function startGuardServer(options: StartGuardOptions): Promise<RunningGuard> {
  const { app, metrics } = createGuardApp(options);
  const listening = await listen(app.fetch, { host: options.host, port: options.port, name: "guard" });
  return {
    url: listening.url,
    port: listening.port,
    metrics,
    close: () => listening.close().then(() => options.audit?.close()),
  };
}
