import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionContentPartImage,
  ChatCompletionContentPartRefusal,
  ChatCompletionContentPartText,
  ChatCompletionCreateParamsBase,
  ChatCompletionDeveloperMessageParam,
  ChatCompletionFunctionMessageParam,
  ChatCompletionMessage,
  ChatCompletionSystemMessageParam,
  ChatCompletionToolMessageParam,
  ChatCompletionUserMessageParam,
} from "openai/resources/chat/completions";

/**
 * What the guard does with a field of an OpenAI chat request or answer:
 * - `moderated`: its text is part of what the moderator sees;
 * - `refused`: a request using it gets 400 (the guard cannot moderate what it carries);
 * - `passthrough-metadata`: forwarded or relayed unmoderated because no model reads it as
 *   text and no person reads it as an answer (sampling settings, ids, counters).
 */
export type FieldTreatment = "moderated" | "refused" | "passthrough-metadata";

type Fields<T> = Record<keyof T, FieldTreatment>;

// The maps are typed against the official `openai` package's types: a field added to a type
// makes the map incomplete, which fails the type-check until someone decides how to treat it.

/** Top-level fields of a chat completion request. */
export const REQUEST_FIELDS: Fields<ChatCompletionCreateParamsBase> = {
  messages: "moderated",
  model: "passthrough-metadata",
  audio: "refused", // spoken output cannot be moderated as text
  frequency_penalty: "passthrough-metadata",
  function_call: "moderated",
  functions: "moderated",
  logit_bias: "passthrough-metadata",
  logprobs: "refused", // alternative tokens the client would read unmoderated
  max_completion_tokens: "passthrough-metadata",
  max_tokens: "passthrough-metadata",
  metadata: "passthrough-metadata", // stored by the provider, not read by the model
  modalities: "refused", // only ["text"] is accepted
  moderation: "passthrough-metadata",
  n: "passthrough-metadata", // only 1 is accepted
  parallel_tool_calls: "passthrough-metadata",
  prediction: "moderated",
  presence_penalty: "passthrough-metadata",
  prompt_cache_key: "passthrough-metadata",
  prompt_cache_options: "passthrough-metadata",
  prompt_cache_retention: "passthrough-metadata",
  reasoning_effort: "passthrough-metadata",
  response_format: "moderated",
  safety_identifier: "passthrough-metadata",
  seed: "passthrough-metadata",
  service_tier: "passthrough-metadata",
  stop: "passthrough-metadata",
  store: "passthrough-metadata",
  stream: "passthrough-metadata",
  stream_options: "passthrough-metadata",
  temperature: "passthrough-metadata",
  tool_choice: "moderated",
  tools: "moderated",
  top_logprobs: "refused",
  top_p: "passthrough-metadata",
  user: "passthrough-metadata",
  verbosity: "passthrough-metadata",
  web_search_options: "refused", // search results the model reads never reach the moderator
};

/** Request fields outside the OpenAI types that OpenAI-compatible servers take (numbers only). */
export const EXTRA_NUMERIC_REQUEST_FIELDS = ["top_k", "min_p", "repetition_penalty"] as const;

/** Fields of each message role. `reasoning_content` / `reasoning` are vendor extensions. */
export const MESSAGE_FIELDS = {
  system: {
    content: "moderated",
    role: "passthrough-metadata",
    name: "moderated",
  } satisfies Fields<ChatCompletionSystemMessageParam>,
  developer: {
    content: "moderated",
    role: "passthrough-metadata",
    name: "moderated",
  } satisfies Fields<ChatCompletionDeveloperMessageParam>,
  user: {
    content: "moderated",
    role: "passthrough-metadata",
    name: "moderated",
  } satisfies Fields<ChatCompletionUserMessageParam>,
  assistant: {
    role: "passthrough-metadata",
    audio: "refused", // a reference to earlier spoken output, which the moderator cannot hear
    content: "moderated",
    function_call: "moderated",
    name: "moderated",
    refusal: "moderated",
    tool_calls: "moderated",
    reasoning_content: "moderated",
    reasoning: "moderated",
  } satisfies Fields<ChatCompletionAssistantMessageParam> & Record<string, FieldTreatment>,
  tool: {
    content: "moderated",
    role: "passthrough-metadata",
    tool_call_id: "passthrough-metadata",
  } satisfies Fields<ChatCompletionToolMessageParam>,
  function: {
    content: "moderated",
    name: "moderated",
    role: "passthrough-metadata",
  } satisfies Fields<ChatCompletionFunctionMessageParam>,
} as const;

/** Fields of the content parts the guard reads (other part types are refused). */
export const PART_FIELDS = {
  text: {
    type: "passthrough-metadata",
    text: "moderated",
    prompt_cache_breakpoint: "passthrough-metadata",
  } satisfies Fields<ChatCompletionContentPartText>,
  refusal: {
    type: "passthrough-metadata",
    refusal: "moderated",
  } satisfies Fields<ChatCompletionContentPartRefusal>,
  image_url: {
    type: "passthrough-metadata",
    image_url: "moderated",
    prompt_cache_breakpoint: "passthrough-metadata",
  } satisfies Fields<ChatCompletionContentPartImage>,
  image_url_holder: {
    url: "moderated",
    detail: "passthrough-metadata",
  } satisfies Fields<ChatCompletionContentPartImage.ImageURL>,
} as const;

/** Top-level fields of a completion and of a stream chunk. */
export const COMPLETION_FIELDS: Fields<ChatCompletion> = {
  id: "passthrough-metadata",
  choices: "moderated", // every choice, not only the first
  created: "passthrough-metadata",
  model: "passthrough-metadata",
  object: "passthrough-metadata",
  moderation: "passthrough-metadata",
  service_tier: "passthrough-metadata",
  system_fingerprint: "passthrough-metadata",
  usage: "passthrough-metadata",
};
export const CHUNK_FIELDS: Fields<ChatCompletionChunk> = COMPLETION_FIELDS;

/** Fields of a choice: the message (or delta) and the log probabilities are text the client reads. */
export const CHOICE_FIELDS: Fields<ChatCompletion.Choice> & Fields<ChatCompletionChunk.Choice> = {
  message: "moderated",
  delta: "moderated",
  logprobs: "moderated",
  finish_reason: "passthrough-metadata",
  index: "passthrough-metadata",
};

/** Fields of an answer message and of a stream delta; unknown fields are moderated too. */
export const ANSWER_MESSAGE_FIELDS: Fields<ChatCompletionMessage> & Fields<ChatCompletionChunk.Choice.Delta> =
  {
    content: "moderated",
    refusal: "moderated",
    role: "passthrough-metadata",
    annotations: "moderated", // citation titles and URLs
    audio: "moderated", // its transcript
    function_call: "moderated",
    tool_calls: "moderated",
  };
