// An OpenAI-compatible chat completions stub for the outside bench, run in its own process so its
// CPU is not counted as turnsafe's. Every POST is answered after a fixed delay with one short
// answer; the body is read but not parsed (the stub should cost as little as possible).
// It records when requests arrive and finish, and how many were in flight at most, and serves
// those figures on GET /stats. Usage: node stub-server.ts <delayMs>; prints {"url"} on stdout.
import { createServer } from "node:http";

const delayMs = Number(process.argv[2] ?? 100);
const ANSWERS = [
  "Here is a short overview of the topic, with the main points you asked about and a few details.",
  "I can't help with that request, but I can suggest some safer related topics to read about.",
];
const bodies = ANSWERS.map((text) =>
  Buffer.from(
    JSON.stringify({
      id: "chatcmpl-stub",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "stub",
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1800, completion_tokens: 20, total_tokens: 1820 },
    }),
  ),
);
const stats = {
  requests: 0,
  firstArrival: 0,
  lastFinish: 0,
  inFlight: 0,
  maxInFlight: 0,
  /** Arrival times (epoch ms) of every request, for steady-state windows. */
  arrivals: [] as number[],
  /** Sum over 10 ms samples of requests in flight, and the number of samples, while any were. */
  inFlightSum: 0,
  inFlightSamples: 0,
};
setInterval(() => {
  if (stats.inFlight > 0) {
    stats.inFlightSum += stats.inFlight;
    stats.inFlightSamples++;
  }
}, 10).unref();

const server = createServer((request, response) => {
  if (request.method === "GET") {
    const { arrivals, ...rest } = stats;
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ ...rest, arrivals }));
    return;
  }
  const now = Date.now();
  if (stats.requests === 0) stats.firstArrival = now;
  stats.requests++;
  stats.arrivals.push(now);
  stats.inFlight++;
  if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
  });
  request.on("end", () => {
    setTimeout(() => {
      stats.inFlight--;
      stats.lastFinish = Date.now();
      const body = bodies[size % 2] as Buffer;
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
    }, delayMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}/v1` })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
