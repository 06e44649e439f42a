import type { TargetMiddleware } from "../contracts/index.ts";
import type { Message } from "../dialogue/dialogue.ts";

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

/**
 * A middleware that only rewrites the messages (system prompt, prefix, suffix); the rewritten
 * request goes to the wrapped target as step `target`.
 */
export function promptMiddleware(
  name: string,
  options: unknown,
  rewrite: (messages: readonly Message[]) => Message[],
): TargetMiddleware {
  return {
    name,
    options,
    transformRequest: (request) => ({ ...request, messages: rewrite(request.messages) }),
  };
}
