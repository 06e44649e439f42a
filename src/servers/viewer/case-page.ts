import { html } from "hono/html";
import type { Message } from "../../dialogue/dialogue.ts";
import { NOT_AS_PLAYED, playedConversation } from "../../drivers/played-transcript.ts";
import type { CallRecord, CaseRecord, RunRecord, ScoreRecord } from "../../engine/store.ts";
import type { HumanLabel } from "../../engine/viewer-store.ts";
import { showImage } from "./case-images.ts";
import { caseSections } from "./case-sections.ts";
import { splitScorer } from "./run-index.ts";
import { type Html, layout } from "./viewer-layout.ts";

/** One conversation shown: whose it is, its messages and, per message, the call that answered. */
interface Conversation {
  target: string | null;
  messages: Message[];
  calls: (string | null)[];
  note?: string;
  error: string | null;
}

function conversations(record: CaseRecord): Conversation[] {
  const result = record.result as {
    targets?: Record<string, { answers?: { text: string }[]; played?: unknown[]; error?: string | null }>;
  } | null;
  const targets = result?.targets && typeof result.targets === "object" ? Object.entries(result.targets) : [];
  if (targets.length === 0)
    return [{ target: null, messages: record.dialogue.messages, calls: [], error: record.error }];
  return targets.map(([target, outcome]) => {
    const played = playedConversation(record.dialogue, outcome as Parameters<typeof playedConversation>[1]);
    return {
      target,
      messages: played.messages,
      calls: played.calls,
      ...(played.asPlayed ? {} : { note: NOT_AS_PLAYED }),
      error: outcome?.error ?? null,
    };
  });
}

async function turnsView(
  base: string,
  conversation: Conversation,
  baseDir: string | undefined,
): Promise<Html> {
  const anchor = conversation.target ?? "dialogue";
  let userTurn = 0;
  const parts: Html[] = [];
  for (const [index, message] of conversation.messages.entries()) {
    if (message.role === "user") userTurn++;
    const images = [];
    for (const part of message.content)
      if (part.type === "image") {
        const shown = await showImage(part.image, baseDir);
        images.push(
          shown.sha256
            ? html`<img class="thumb" tabindex="0" src="${base}/images/${shown.sha256}?size=thumb" data-full="${base}/images/${shown.sha256}" alt="${shown.label}">`
            : html`<div class="muted">[image ${shown.label}: ${shown.problem ?? "not shown"}]</div>`,
        );
      }
    const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
    const call = conversation.calls[index];
    parts.push(html`<div class="turn ${message.role}" id="${anchor}-m${index + 1}" ${message.role === "user" ? html`data-turn="${userTurn}"` : ""}>
<div class="role">${message.role}${message.role === "user" ? ` · turn ${userTurn}` : ""}${call ? html` · <a href="#call-${encodeURIComponent(call)}">call</a>` : ""}</div>
<pre>${text}</pre>${images}</div>`);
  }
  return html`${parts}`;
}

/** Links to the turns a rationale names ("turn 2", "turns 1 and 3"). */
function evidenceTurns(explanation: string | null): number[] {
  const turns = new Set<number>();
  for (const match of (explanation ?? "").matchAll(/\bturns?\s+(\d+(?:\s*(?:,|and|-|–)\s*\d+)*)/gi))
    for (const number of (match[1] ?? "").matchAll(/\d+/g)) turns.add(Number(number[0]));
  return [...turns].sort((a, b) => a - b);
}

function verdictView(score: ScoreRecord, label: HumanLabel | undefined, labelForm: Html | undefined): Html {
  const turns = evidenceTurns(score.explanation);
  const { target } = splitScorer(score.scorer);
  return html`<div class="card verdict" data-scorer="${score.scorer}">
<div><b>${score.scorer}</b> <span class="pill ${score.status === "ok" ? (score.label ?? "") : score.status}">${score.status === "ok" ? (score.label ?? "") : score.status}</span>${score.value !== null ? html` value ${score.value}` : ""}</div>
${score.explanation ? html`<p>${score.explanation}</p>` : ""}
${turns.length > 0 ? html`<div>Evidence: ${turns.map((turn) => html`<a href="#" data-evidence="${target}" data-turn-link="${turn}">turn ${turn}</a> `)}</div>` : ""}
${score.raw ? html`<details><summary>Judge's raw output</summary><pre>${score.raw}</pre></details>` : ""}
${label ? html`<div>Human label: <span class="pill ${label.verdict}">${label.verdict}</span> ${label.note ?? ""} <span class="muted">${label.createdAt}</span></div>` : ""}
${labelForm ?? ""}
</div>`;
}

/**
 * What the store holds about a call whose request the page cannot show: the store keeps no
 * request bodies, only what each call answered and the hash of everything sent.
 */
function requestNotKept(call: CallRecord): string {
  const hash =
    "the hash of the whole request (messages, images, model, settings; equal hashes mean the same request was sent)";
  if (call.role === "target")
    return `Request as sent: not rebuilt here (this call is not on a transcript shown above). The store keeps its answer, usage and ${hash}.`;
  const answer =
    call.role === "judge"
      ? "the judge's answer (below; the verdict's raw output is the same text)"
      : "its answer (below)";
  return `Request as sent: not kept by the store. The ${call.role}'s prompt is built from the run's configuration and the transcript above; the store keeps ${answer}, usage, latency and ${hash}.`;
}

function callView(call: CallRecord, request: Html | undefined): Html {
  return html`<div class="card call" id="call-${encodeURIComponent(call.workKey)}">
<dl class="kv"><dt>role</dt><dd>${call.role} · ${call.targetId}</dd>
<dt>status</dt><dd><span class="pill ${call.status}">${call.status}</span>${call.cached ? html` <span class="pill">cache hit</span>` : ""} · attempts ${call.attempts}${call.rateLimited ? ` · 429 ×${call.rateLimited}` : ""}${call.serverErrors ? ` · 5xx/timeouts ×${call.serverErrors}` : ""}</dd>
<dt>usage</dt><dd>${call.usage.inputTokens} in · ${call.usage.outputTokens} out · $${call.costUsd.toFixed(6)} · ${Math.round(call.latencyMs)} ms</dd>
<dt>request hash</dt><dd>${call.requestHash}</dd>
<dt>step</dt><dd>${call.workKey.split("\u001f").slice(2).join(" / ")}</dd></dl>
${request ?? html`<div class="muted request-not-kept">${requestNotKept(call)}</div>`}
${call.error ? html`<div class="error">${call.error}</div>` : ""}
${call.text !== null ? html`<details open><summary>Answer</summary><pre>${call.text}</pre></details>` : ""}
</div>`;
}

/** The request a target call was sent: the conversation's messages before its answer, images by hash. */
function requestOf(conversations: readonly Conversation[], workKey: string): Html | undefined {
  for (const conversation of conversations) {
    const at = conversation.calls.indexOf(workKey);
    if (at < 0) continue;
    const messages = conversation.messages.slice(0, at).map((message) => ({
      role: message.role,
      content: message.content.map((part) =>
        part.type === "text" ? part.text : { image: part.image.sha256 ?? part.image.path ?? "inline" },
      ),
    }));
    return html`<details><summary>Request as sent (${messages.length} messages)</summary><pre>${JSON.stringify(messages, null, 2)}</pre></details>`;
  }
  return undefined;
}

export interface CasePageInput {
  run: RunRecord;
  record: CaseRecord;
  scores: ScoreRecord[];
  calls: CallRecord[];
  labels: HumanLabel[];
  imageBaseDir: string | undefined;
  /** The grid's filter, to link back to it. */
  back: string;
  /** Renders the label form of a verdict, when labels may be written. */
  labelForm?: (score: ScoreRecord) => Html;
}

/** A case: each target's transcript turn by turn, the verdicts on it, then every model call. */
export async function casePage(input: CasePageInput): Promise<Html> {
  const { run, record } = input;
  const runPath = `/runs/${encodeURIComponent(run.id)}`;
  const base = `${runPath}/cases/${encodeURIComponent(record.caseId)}`;
  const shown = conversations(record);
  const sections: Html[] = [];
  for (const conversation of shown) {
    const own = input.scores.filter((score) =>
      conversation.target === null ? true : splitScorer(score.scorer).target === conversation.target,
    );
    sections.push(html`<section class="grid2" aria-label="${conversation.target ?? "dialogue"}">
<div><h2>${conversation.target ?? "Dialogue"}</h2>
${conversation.note ? html`<p class="muted">${conversation.note}</p>` : ""}
${conversation.error ? html`<p class="error">Failed: ${conversation.error}</p>` : ""}
${await turnsView(base, conversation, input.imageBaseDir)}</div>
<div><h2>Verdicts</h2>${own.length === 0 ? html`<p class="muted">No verdicts.</p>` : ""}${own.map((score) =>
      verdictView(
        score,
        input.labels.find((label) => label.scorer === score.scorer),
        input.labelForm?.(score),
      ),
    )}</div></section>`);
  }
  const extra: Html[] = [];
  for (const section of caseSections(run.recipe)) {
    const shownSection = await section({
      run,
      record,
      scores: input.scores,
      base,
      imageBaseDir: input.imageBaseDir,
    });
    if (shownSection) extra.push(shownSection);
  }
  return layout(
    record.caseId,
    html`<p><a href="${runPath}${input.back}">← back to the cases</a></p>
<h1>${record.caseId} <span class="pill ${record.status}">${record.status}</span></h1>
${record.error ? html`<p class="error">${record.error}</p>` : ""}
${sections}
${extra}
<h2>Model calls</h2>
${input.calls.length === 0 ? html`<p class="muted">No calls stored.</p>` : ""}
${input.calls.map((call) => callView(call, requestOf(shown, call.workKey)))}`,
    html`<a href="${runPath}">${run.name}</a> / ${record.caseId}`,
  );
}
