import { modelMessageSchema } from "ai";

let primed = false;

/**
 * Works around a slow path between the AI SDK (6.0) and zod (4.5 and later). generateText checks
 * every prompt against a fresh `z.array(modelMessageSchema)`, and zod's memoizer then walks the
 * whole message schema to learn whether it is recursive. It can cache that answer only once the
 * lazy JSON-value schema under `providerOptions` has been resolved, which never happens while
 * prompts carry no provider options, so the walk repeated on every call: about a third of the
 * bytes a call allocated and 35 µs of CPU. Checking one message that carries provider options
 * resolves it; validation itself is unchanged. Idempotent.
 *
 * turnsafe itself no longer calls generateText (provider targets call the model directly), so
 * this only keeps the benches' bare-AI-SDK baseline at its best: without it that baseline would
 * pay the walk on every call and make turnsafe look ~200 us cheaper than it is.
 */
export function primePromptSchema(): void {
  if (primed) return;
  primed = true;
  modelMessageSchema.safeParse({
    role: "user",
    content: "turnsafe",
    providerOptions: { turnsafe: { resolve: [true, { json: null }] } },
  });
}
