import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { ConfigError } from "../../errors.ts";
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
  const host = options.host ?? "127.0.0.1";
  const { app, metrics } = createGuardApp(options);
  // Node's global Request/Response stay untouched: the guard may share a process with clients.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new ConfigError(`guard cannot listen on ${host}: ${error.message}`));
    server.once("error", onError);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    metrics,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          options.audit?.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
