import { listen } from "../../util/listen.ts";
import { createRewardApp, type RewardAppOptions } from "./reward-app.ts";

/** A reward server listening on a port. */
export interface RunningRewardServer {
  /** Base URL without a path, e.g. http://127.0.0.1:8790 (routes: /v1/rewards, /compat/...). */
  url: string;
  port: number;
  /** Answers waiting groups over what arrived, then stops listening. */
  close(): Promise<void>;
}

/** Starts the reward server on `host:port` (port 0 picks a free one). */
export async function startRewardServer(
  options: RewardAppOptions & { port?: number; host?: string },
): Promise<RunningRewardServer> {
  const app = createRewardApp(options);
  const listening = await listen(app.fetch, {
    host: options.host,
    port: options.port,
    name: "reward server",
  });
  return {
    url: listening.url.replace(/\/v1$/, ""),
    port: listening.port,
    close: () => listening.close(() => options.service.flush()),
  };
}
