import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { ConfigError } from "../errors.ts";

/** A Hono app listening on a port, with the `/v1` base URL clients use. */
export interface Listening {
  url: string;
  port: number;
  /** Stops listening and drops open connections; `beforeDrop` runs first (e.g. to answer held requests). */
  close(beforeDrop?: () => void): Promise<void>;
}

/**
 * Serves a fetch handler on `host:port` (port 0 picks a free one). Node's global Request and
 * Response are left alone, since our servers often share a process with HTTP clients.
 */
export async function listen(
  fetchHandler: (request: Request) => Response | Promise<Response>,
  options: { host?: string; port?: number; name: string },
): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const server = createAdaptorServer({ fetch: fetchHandler, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new ConfigError(`${options.name} cannot listen on ${host}: ${error.message}`));
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
    close(beforeDrop) {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        beforeDrop?.();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
