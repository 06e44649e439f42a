import { ConfigError } from "../../errors.ts";
import { listen } from "../../util/listen.ts";
import { createViewerApp, type ViewerOptions } from "./viewer-app.ts";

/** Hosts that only this machine reaches. */
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

export interface ViewerServer {
  /** The address to open (with `?key=` when an access key is set). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the viewer on `host:port` (default 127.0.0.1, port 0 picks one). Bound anywhere but
 * loopback it needs an access key.
 */
export async function startViewer(
  options: Omit<ViewerOptions, "loopback"> & { host?: string; port?: number },
): Promise<ViewerServer> {
  const host = options.host ?? "127.0.0.1";
  const loopback = LOOPBACK_HOSTS.has(host);
  if (!loopback && !options.accessKey)
    throw new ConfigError(`a viewer listening on ${host} needs an access key (--access-key-env NAME)`);
  const app = createViewerApp({ ...options, loopback });
  const listening = await listen(app.fetch, { host, port: options.port ?? 0, name: "viewer" });
  const base = listening.url.replace(/\/v1$/, "");
  return {
    url: options.accessKey ? `${base}/?key=${encodeURIComponent(options.accessKey)}` : `${base}/`,
    port: listening.port,
    close: () => listening.close(),
  };
}
