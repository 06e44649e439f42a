import type { Message, Part } from "../../dialogue/dialogue.ts";

/** Image placeholders chat templates put in text (Qwen-VL, LLaVA, InternVL, generic). */
const IMAGE_PLACEHOLDERS =
  /<\|vision_start\|>(?:<\|image_pad\|>)*<\|vision_end\|>|<image>|<\|image\|>|<IMG_CONTEXT>+/g;

interface TemplateSyntax {
  /** Matches one turn: role in group 1, text in group 2 (the last turn may be unterminated). */
  turn: RegExp;
}

const TEMPLATES: TemplateSyntax[] = [
  // ChatML (Qwen, many others): <|im_start|>role\n...<|im_end|>
  { turn: /<\|im_start\|>(system|user|assistant|tool)\n([\s\S]*?)(?:<\|im_end\|>|(?=<\|im_start\|>)|$)/g },
  // Llama 3: <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
  {
    turn: /<\|start_header_id\|>(system|user|assistant|ipython)<\|end_header_id\|>\n*([\s\S]*?)(?:<\|eot_id\|>|(?=<\|start_header_id\|>)|$)/g,
  },
];

/**
 * Splits a chat-templated string (prompt plus response, as OpenRLHF sends `query`) into
 * messages, with image placeholders removed and counted per message. Recognises ChatML and
 * Llama 3; any other text is read as one user turn (`prompt`) and one assistant turn (the rest
 * of `query` after the prompt, or the whole query). Empty trailing assistant headers are dropped.
 */
export function splitChatTemplate(
  query: string,
  prompt?: string,
): { messages: Message[]; placeholders: number[] } {
  for (const syntax of TEMPLATES) {
    const found = [...query.matchAll(syntax.turn)];
    if (found.length === 0) continue;
    const messages: Message[] = [];
    const placeholders: number[] = [];
    for (const match of found) {
      const role = match[1] === "system" ? "system" : match[1] === "assistant" ? "assistant" : "user";
      const raw = (match[2] ?? "").replace(/<\|endoftext\|>|<\|end_of_text\|>|<\/s>$/g, "");
      const count = raw.match(IMAGE_PLACEHOLDERS)?.length ?? 0;
      const text = raw.replace(IMAGE_PLACEHOLDERS, "").trim();
      if (role === "assistant" && text === "" && match === found.at(-1)) continue;
      messages.push({ role, content: text === "" ? [] : ([{ type: "text", text }] as Part[]) });
      placeholders.push(count);
    }
    return { messages, placeholders };
  }
  const response = prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
  const user = prompt !== undefined && query.startsWith(prompt) ? prompt : "";
  const messages: Message[] = [];
  if (user.trim() !== "") messages.push({ role: "user", content: [{ type: "text", text: user.trim() }] });
  messages.push({ role: "assistant", content: [{ type: "text", text: response.trim() }] });
  return { messages, placeholders: messages.map(() => 0) };
}
