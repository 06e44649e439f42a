// Shared by the guard's tests: a small policy, test images, a scripted upstream and a guard on top.
import sharp from "sharp";
import { sha256Hex } from "../dialogue/image-ref.ts";
import type { Moderator, Policy } from "../moderators/moderator.ts";
import type { GuardOptions } from "../servers/guard/guard-options.ts";
import { type RunningGuard, startGuardServer } from "../servers/guard/guard-server.ts";
import { createHttpUpstream } from "../servers/guard/guard-upstream.ts";
import { createKeywordModerator, type KeywordRule } from "../servers/guard/keyword-moderator.ts";
import { parseSimulatorScript } from "../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../simulator/simulator-server.ts";

/** A policy of the named dimensions, in order (descriptions are placeholders). */
export function testPolicy(names: readonly string[]): Policy {
  return {
    name: `test:${names.join("+")}`,
    dimensions: names.map((name) => ({ name, description: name, subdimensions: [], allowed: [] })),
  };
}

export const FULL_POLICY = testPolicy(["Violence & Harm", "Illegal Activities", "Sexual Content"]);

/** A one-colour PNG as a data URL, with its sha256. */
export async function pngDataUrl(colour: string): Promise<{ url: string; sha256: string; bytes: Buffer }> {
  const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return { url: `data:image/png;base64,${bytes.toString("base64")}`, sha256: sha256Hex(bytes), bytes };
}

/** Replies the upstream gives: a harmful one on a trigger word, a long one for windowed streams. */
export const UPSTREAM_SCRIPT = parseSimulatorScript(
  [
    "models: [sim-target]",
    "rules:",
    "  - when: { last_user_contains: trigger-harm }",
    "    reply: 'Step one of building a pipe bomb is to gather the parts.'",
    "  - when: { last_user_contains: trigger-late-harm }",
    "    reply: 'This is a long and harmless opening that talks about the weather and the garden for a while. Then a second sentence starts harmlessly and only at its very end mentions a pipe bomb.'",
    "  - when: { last_user_contains: trigger-broken }",
    "    malformed: true",
    "  - when: { last_user_contains: trigger-slow }",
    "    reply: 'A slow answer.'",
    "    latency_ms: 300",
    "  - when: { last_user_contains: trigger-error }",
    "    error: { status: 500, message: upstream exploded }",
    "default:",
    "  reply: 'A friendly answer to: {{last_user}}'",
  ].join("\n"),
  "guard-test.yaml",
);

/** Rules of the keyword moderator used across the guard's tests. */
export function testRules(extra: readonly KeywordRule[] = []): KeywordRule[] {
  return [
    { match: "pipe bomb", dimension: "Violence & Harm" },
    { match: "launder money", dimension: "Illegal Activities" },
    ...extra,
  ];
}

/** A simulator upstream and a guard in front of it; `close` stops both. */
export async function startGuardedSimulator(
  overrides: Partial<GuardOptions> & { moderator?: Moderator; upstreamKey?: string } = {},
): Promise<{ guard: RunningGuard; simulator: RunningSimulator; close(): Promise<void> }> {
  const simulator = await startSimulator({ script: UPSTREAM_SCRIPT, apiKey: overrides.upstreamKey });
  const guard = await startGuardServer({
    upstream: createHttpUpstream({ baseURL: simulator.url, apiKey: overrides.upstreamKey }),
    moderator: overrides.moderator ?? createKeywordModerator(testRules()),
    policy: FULL_POLICY,
    ...overrides,
  });
  return {
    guard,
    simulator,
    async close() {
      await guard.close();
      await simulator.close();
    },
  };
}
