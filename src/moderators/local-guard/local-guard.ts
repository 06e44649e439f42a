import sharp from "sharp";
import type { ModelCaller } from "../../contracts/index.ts";
import { type Dialogue, type ImageRef, messageText } from "../../dialogue/dialogue.ts";
import type { ImageLoadOptions } from "../../dialogue/image-ref.ts";
import { CancelledError, describeError } from "../../errors.ts";
import type { ModerationResult, Moderator, Policy } from "../moderator.ts";
import { type AssistantTurn, replyStance, scoreAssistantTurn } from "./assistant-scorer.ts";
import { DIMENSION_KEYS, type DimensionKey, listedDimensions } from "./dimension-keys.ts";
import { createImageAnalyser, type ImageAnalyser, nudityWeights } from "./image-analysis.ts";
import { learnedReplyRisks, learnedUserRisks } from "./learned-scorer.ts";
import { createNsfwDetector, type NudityDetector } from "./nudity-detector.ts";
import { createTesseractReader, type TextReader } from "./ocr-reader.ts";
import {
  type DimensionRisk,
  type ImageCue,
  type Segment,
  scoreUserTurns,
  type UserTurn,
} from "./risk-scorer.ts";
import { sideVerdict } from "./side-verdict.ts";
import { analyseText, type TextAnalysis } from "./text-analysis.ts";

/** Options of the embedded local guard. */
export interface LocalGuardOptions {
  /** OCR of text in images: true (tesseract.js, the default), false, or your own reader. */
  ocr?: boolean | TextReader;
  /** Nudity detection: true (nsfwjs, the default), false, or your own detector. */
  nsfw?: boolean | NudityDetector;
  /** Where image paths are resolved and whether image URLs may be fetched (off by default). */
  imageLoad?: ImageLoadOptions;
  /** Score from which a side is unsafe (default 0.5). */
  threshold?: number;
  /**
   * An image that cannot be loaded or read: "fail" (default) makes the result errored, never
   * safe; "degrade" judges the text alone, says so in the rationale and lowers confidence.
   */
  imageErrors?: "fail" | "degrade";
  /**
   * What decides on the user side: "lexicon" (default) the word-list scorer, or "classifier"
   * the shipped prompt-harm model (models/prompt-harm.tslm) with the word lists as inputs. The
   * default stays lexical because the prompt model flagged 13 of 30 held-out benign look-alikes
   * (src/classifiers/benign-look-alikes.ts) against 1 of 30 for the word lists.
   */
  userScorer?: "classifier" | "lexicon";
  /**
   * What decides on the assistant side: "classifier" (default) the shipped answer-harm model
   * (models/answer-harm.tslm) reading the reply with its request, or "lexicon" the old rules.
   */
  assistantScorer?: "classifier" | "lexicon";
}

/** A local guard result: a moderation result plus how sure the guard is (for cascades). */
export interface LocalGuardResult extends ModerationResult {
  /** In [0, 1]: 1 when every side's score is far from the threshold, low near it or when blind. */
  confidence: number;
  /** What limited the guard (images not read, custom dimensions without a scorer). */
  notes: string[];
}

/** The local guard: a Moderator that never calls a model, plus cleanup of its workers. */
export interface LocalGuard extends Moderator {
  /** The caller is accepted for the Moderator contract and never used: no model is called. */
  moderate(dialogue: Dialogue, policy: Policy, caller?: ModelCaller): Promise<LocalGuardResult>;
  /** Stops the OCR worker and frees the nudity model. */
  close(): Promise<void>;
}

const TEXT_CACHE_LIMIT = 4096;
const BLIND_CONFIDENCE = 0.3;

/**
 * The embedded local guard (issue 4, backend 5): offline and fast. Text in images is read by
 * OCR and treated as the user's own words in the turn carrying the image (typographic attacks),
 * nudity is detected with nsfwjs, and a per-dimension lexical risk scorer reads the user turns
 * together (escalation, intent stated early and pursued later, split requests, references back
 * to an image) and the assistant turns for compliance versus refusal. Models load on the first
 * image. The rationale lists the evidence used.
 */
export function createLocalGuard(options: LocalGuardOptions = {}): LocalGuard {
  const reader = pick(options.ocr, createTesseractReader);
  const detector = pick(options.nsfw, createNsfwDetector);
  const analyser: ImageAnalyser | null =
    reader || detector ? createImageAnalyser(reader, detector, options.imageLoad ?? {}) : null;
  const threshold = options.threshold ?? 0.5;
  const textCache = new Map<string, TextAnalysis>();
  const analyse = (text: string): TextAnalysis => {
    const cached = textCache.get(text);
    if (cached) return cached;
    const analysis = analyseText(text);
    if (textCache.size >= TEXT_CACHE_LIMIT) textCache.clear();
    textCache.set(text, analysis);
    return analysis;
  };

  async function moderate(dialogue: Dialogue, policy: Policy): Promise<LocalGuardResult> {
    const listed = listedDimensions(policy);
    const notes: string[] = [];
    const turnNumbers = new Map<number, number>();
    const userTurns: UserTurn[] = [];
    const userTexts: string[] = [];
    const replies: { messageIndex: number; text: string; userTurnsBefore: number }[] = [];
    let imageNumber = 0;
    let blind = false;
    for (const [messageIndex, message] of dialogue.messages.entries()) {
      if (message.role === "system") continue;
      turnNumbers.set(messageIndex, turnNumbers.size + 1);
      if (message.role === "assistant") {
        replies.push({ messageIndex, text: messageText(message), userTurnsBefore: userTurns.length });
        continue;
      }
      const ownText = messageText(message);
      const segments: Segment[] = [{ image: null, analysis: analyse(ownText) }];
      const turnText = [ownText];
      const imageCues: ImageCue[] = [];
      for (const part of message.content) {
        if (part.type !== "image") continue;
        imageNumber++;
        const read = await readImage(part.image, imageNumber);
        if (read.blind) blind = true;
        if (read.note) notes.push(read.note);
        if (read.error) return erroredResult(read.error, notes);
        if (read.text) {
          segments.push({ image: imageNumber, analysis: analyse(read.text) });
          turnText.push(read.text);
        }
        if (read.cue) imageCues.push(read.cue);
      }
      userTurns.push({ messageIndex, segments, imageCues });
      userTexts.push(turnText.join("\n"));
    }
    const lexical = scoreUserTurns(userTurns, DIMENSION_KEYS);
    const { byTurn } = lexical;
    let final = lexical.final;
    if (options.userScorer === "classifier") {
      const learned = learnedUserRisks(
        userTexts,
        userTurns.map((turn) => turn.messageIndex),
        byTurn,
      ).final;
      // Image classifiers (nudity) are not inputs of the text model: their evidence keeps its say.
      const seesImages = userTurns.some((turn) => turn.imageCues.length > 0);
      final = learned.map((risk) => {
        const words = lexical.final.find((entry) => entry.key === risk.key);
        return seesImages && words && words.score > risk.score ? words : risk;
      });
    }
    const citation = { turnOf: (index: number) => turnNumbers.get(index) ?? index + 1 };
    const user = userTurns.length > 0 ? sideVerdict("user", final, listed, threshold, citation) : null;
    let assistant = null;
    if (replies.length > 0) {
      const peaks = new Map<DimensionKey, DimensionRisk>();
      for (const reply of replies) {
        const context = byTurn[reply.userTurnsBefore - 1] ?? new Map();
        if (options.assistantScorer !== "lexicon") {
          const analysis = analyse(reply.text);
          const question =
            userTurns[reply.userTurnsBefore - 1]?.segments.flatMap((segment) => segment.analysis.framings) ??
            [];
          const rules = scoreAssistantTurn(
            { messageIndex: reply.messageIndex, text: reply.text, analysis, context, question },
            DIMENSION_KEYS,
          );
          const risks = learnedReplyRisks({
            messageIndex: reply.messageIndex,
            text: reply.text,
            analysis,
            stance: replyStance(reply.text),
            requestTurns: userTexts.slice(0, reply.userTurnsBefore),
            lexicalContext: context,
            rules,
          });
          // The rules' reading still counts where it is the stronger (a tie-breaker: the
          // classifier alone already flags what it is sure of).
          for (const risk of [...risks, ...rules]) {
            const previous = peaks.get(risk.key);
            if (!previous || risk.score > previous.score) peaks.set(risk.key, risk);
          }
          continue;
        }
        const turn: AssistantTurn = {
          messageIndex: reply.messageIndex,
          text: reply.text,
          analysis: analyse(reply.text),
          context,
          question:
            userTurns[reply.userTurnsBefore - 1]?.segments.flatMap((segment) => segment.analysis.framings) ??
            [],
        };
        for (const risk of scoreAssistantTurn(turn, DIMENSION_KEYS)) {
          const previous = peaks.get(risk.key);
          if (!previous || risk.logit > previous.logit) peaks.set(risk.key, risk);
        }
      }
      assistant = sideVerdict("assistant", [...peaks.values()], listed, threshold, citation);
    }
    let confidence = Math.min(user?.confidence ?? 1, assistant?.confidence ?? 1);
    if (blind) confidence = Math.min(confidence, BLIND_CONFIDENCE);
    if (listed.some((dimension) => dimension.key === null))
      notes.push("custom dimensions have no local scorer; confidence is low");
    return {
      status: "ok",
      user: user ? withNotes(user.verdict, notes) : null,
      assistant: assistant ? withNotes(assistant.verdict, notes) : null,
      raw: null,
      error: null,
      confidence: Math.round(confidence * 10_000) / 10_000,
      notes,
    };
  }

  async function readImage(
    image: ImageRef,
    number: number,
  ): Promise<{ text?: string; cue?: ImageCue; blind?: boolean; note?: string; error?: string }> {
    if (!analyser)
      return { blind: true, note: `Image${number} not analysed: OCR and nudity detection are off` };
    try {
      const findings = await analyser.analyse(image);
      const nudity = findings.nudity ? nudityWeights(findings.nudity) : null;
      const cue: ImageCue | undefined =
        nudity && findings.nudity
          ? {
              image: number,
              weights: nudity.weights,
              label: `nudity evidence ${nudity.evidence.toFixed(2)} (porn ${findings.nudity.porn.toFixed(2)}, hentai ${findings.nudity.hentai.toFixed(2)}, sexy ${findings.nudity.sexy.toFixed(2)})`,
            }
          : undefined;
      return { text: findings.text ?? undefined, cue, blind: !reader || !detector };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const message = `Image${number} could not be analysed: ${describeError(error)}`;
      if (options.imageErrors === "degrade") return { blind: true, note: message };
      return { error: message };
    }
  }

  return {
    name: "local",
    moderate,
    async warmUp() {
      // Starts the OCR worker and loads the nudity model on a blank image (both load lazily).
      if (!reader && !detector) return;
      const blank = await sharp({ create: { width: 64, height: 32, channels: 3, background: "#fff" } })
        .png()
        .toBuffer();
      await Promise.allSettled([reader?.read(blank), detector?.classify(blank)]);
    },
    async close() {
      await Promise.all([reader?.close(), detector?.close()]);
    },
  };
}

function pick<T>(choice: boolean | T | undefined, create: () => T): T | null {
  if (choice === false) return null;
  if (choice === true || choice === undefined) return create();
  return choice;
}

function withNotes<T extends { rationale: string }>(verdict: T, notes: readonly string[]): T {
  const imageNotes = notes.filter((note) => note.startsWith("Image"));
  return imageNotes.length > 0
    ? { ...verdict, rationale: `${verdict.rationale} ${imageNotes.join("; ")}.` }
    : verdict;
}

function erroredResult(error: string, notes: string[]): LocalGuardResult {
  return { status: "errored", user: null, assistant: null, raw: null, error, confidence: 0, notes };
}
