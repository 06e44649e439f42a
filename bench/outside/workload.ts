import { once } from "node:events";
import { createWriteStream } from "node:fs";

// The outside bench's workload: static 8-turn chats (8 user turns, 7 written answers; the target
// answers the last turn), 15 messages of about 60 words each (~7 KB of text per request), every
// dialogue distinct, so nothing can be served from a cache.

const WORDS = (
  "river stone lantern harbor meadow signal orchard canyon thunder willow beacon compass ember " +
  "glacier hollow island juniper kestrel lagoon marble nectar oyster pepper quartz raven saddle " +
  "tundra umber velvet walnut yarrow zephyr anchor bramble cobalt drift eclipse fjord granite " +
  "heather indigo jasper kelp lichen mirror nimbus opal prairie quill rapids summit tide valley " +
  "amber birch cedar delta fern grove haze ivory jetty knoll ledge mist"
).split(" ");

/** Deterministic pseudo-random words; `seed` makes every message of every dialogue different. */
function sentence(seed: number, words: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  const out: string[] = [];
  for (let index = 0; index < words; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out.push(WORDS[state % WORDS.length] as string);
  }
  return out.join(" ");
}

/** One dialogue line (JSON, no newline). */
export function workloadLine(index: number): string {
  const messages: { role: string; content: { type: "text"; text: string }[] }[] = [];
  for (let turn = 0; turn < 8; turn++) {
    const user = `Dialogue ${index}, turn ${turn + 1}: ${sentence(index * 31 + turn * 2 + 1, 56)}?`;
    messages.push({ role: "user", content: [{ type: "text", text: user }] });
    if (turn < 7) {
      const answer = `Answer ${turn + 1}: ${sentence(index * 31 + turn * 2 + 2, 58)}.`;
      messages.push({ role: "assistant", content: [{ type: "text", text: answer }] });
    }
  }
  return JSON.stringify({
    version: 1,
    id: `outside-${index}`,
    messages,
    labels: {},
    metadata: { category: `topic-${index % 8}` },
  });
}

/** Writes `count` dialogues to `file`; returns the file's size in bytes. */
export async function writeWorkload(file: string, count: number): Promise<number> {
  const stream = createWriteStream(file);
  let bytes = 0;
  for (let index = 0; index < count; index++) {
    const line = `${workloadLine(index)}\n`;
    bytes += Buffer.byteLength(line);
    if (!stream.write(line)) await once(stream, "drain");
  }
  stream.end();
  await once(stream, "finish");
  return bytes;
}
