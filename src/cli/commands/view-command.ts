import type { Command } from "commander";
import { InputError } from "../../errors.ts";
import { startViewer } from "../../servers/viewer/viewer-server.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { positiveInteger } from "./run-command.ts";
import { openExistingStore } from "./store-option.ts";

/** `turnsafe view`: the web viewer over a store, until Ctrl-C. */
export function registerViewCommand(program: Command): void {
  program
    .command("view")
    .description("Browse runs in a web viewer: filter cases, read transcripts, compare runs, watch runs live")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL", undefined)
    .option("--port <n>", "port (0 picks a free one)", "8790")
    .option(
      "--host <host>",
      "interface to listen on (anything but loopback needs --access-key-env)",
      "127.0.0.1",
    )
    .option("--access-key-env <name>", "environment variable holding the key every request must carry")
    .option("--labels", "allow human labels to be recorded (the viewer's one write; read-only without it)")
    .option(
      "--category <key>",
      "dialogue field the grid calls category (metadata.<key>, else labels.<key>)",
      "category",
    )
    .option("--json", "print one JSON line with the URL once listening")
    .action(
      async (flags: {
        store?: string;
        port: string;
        host: string;
        accessKeyEnv?: string;
        labels?: boolean;
        category: string;
        json?: boolean;
      }) => {
        const output = createOutput(flags);
        const port = flags.port === "0" ? 0 : positiveInteger(flags.port, "--port");
        if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(flags.category))
          throw new InputError("--category may hold only letters, digits, _, - and dots", "--category");
        let accessKey: string | undefined;
        if (flags.accessKeyEnv) {
          accessKey = process.env[flags.accessKeyEnv];
          if (!accessKey || accessKey.length < 12)
            throw new InputError(
              `environment variable ${flags.accessKeyEnv} must hold a key of at least 12 characters`,
              "--access-key-env",
            );
        }
        const store = openExistingStore(flags.store);
        const viewer = await startViewer({
          store,
          host: flags.host,
          port,
          accessKey,
          labels: flags.labels ?? false,
          categoryKey: flags.category,
        }).catch((error: unknown) => {
          store.close();
          throw error;
        });
        output.result(
          { url: viewer.url, port: viewer.port, store: store.file, labels: flags.labels ?? false },
          `turnsafe viewer on ${viewer.url} (${flags.labels ? "labels can be recorded" : "read-only"}; store ${store.file}) — Ctrl-C to stop`,
        );
        const interrupt = onInterrupt(output.note);
        await new Promise<void>((resolve) =>
          interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        interrupt.dispose();
        await viewer.close();
        store.close();
      },
    );
}
