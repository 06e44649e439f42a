import type { Message } from "../dialogue/dialogue.ts";
import {
  callThrough,
  deriveTarget,
  type TargetMiddleware,
  type TargetRequest,
  type TargetResponse,
} from "../targets/target.ts";

/**
 * Adds text to the system prompt: a new first system message, or joined to an existing one
 * (before or after its text), so targets that take a single system message still get one.
 */
export function withSystemText(
  messages: readonly Message[],
  text: string,
  position: "before" | "after",
): Message[] {
  const index = messages.findIndex((message) => message.role === "system");
  if (index === -1) return [{ role: "system", content: [{ type: "text", text }] }, ...messages];
  return messages.map((message, at) => {
    if (at !== index) return message;
    const existing = message.content
      .filter((part) => part.type === "text")
      .map((part) => part.text)
      .join("\n");
    const joined = position === "before" ? `${text}\n\n${existing}` : `${existing}\n\n${text}`;
    return { role: "system", content: [{ type: "text", text: joined.trim() }] };
  });
}

/** Adds text before or after the text of the latest user message (its images stay in place). */
export function editLastUserText(
  messages: readonly Message[],
  edit: { prefix?: string; suffix?: string },
): Message[] {
  let last = -1;
  messages.forEach((message, index) => {
    if (message.role === "user") last = index;
  });
  return messages.map((message, index) => {
    if (index !== last) return message;
    const content = [...message.content];
    const firstText = content.findIndex((part) => part.type === "text");
    let lastText = -1;
    content.forEach((part, at) => {
      if (part.type === "text") lastText = at;
    });
    if (firstText === -1) {
      const text = [edit.prefix, edit.suffix].filter(Boolean).join("\n\n");
      return { role: "user", content: [...content, { type: "text", text }] };
    }
    if (edit.prefix) {
      const part = content[firstText] as { type: "text"; text: string };
      content[firstText] = { type: "text", text: `${edit.prefix}\n\n${part.text}` };
    }
    if (edit.suffix) {
      const part = content[lastText] as { type: "text"; text: string };
      content[lastText] = { type: "text", text: `${part.text}\n\n${edit.suffix}` };
    }
    return { role: "user", content };
  });
}

/** The request without the fields callThrough sets itself. */
export function forwardable(request: TargetRequest): Omit<TargetRequest, "context" | "signal"> {
  const { context: _context, signal: _signal, ...rest } = request;
  return rest;
}

/**
 * A middleware that only rewrites the request (system prompt, prefix, suffix) and forwards it
 * to the inner target through the engine (step `target`).
 */
export function promptMiddleware(
  name: string,
  options: unknown,
  rewrite: (messages: readonly Message[]) => Message[],
): TargetMiddleware {
  return {
    name,
    options,
    wrap(inner) {
      return deriveTarget(
        inner,
        { name, options },
        (request): Promise<TargetResponse> =>
          callThrough(
            request,
            "target",
            inner,
            { ...forwardable(request), messages: rewrite(request.messages) },
            "target",
          ),
      );
    },
  };
}
