import { readFileSync } from "node:fs";
import { InputError } from "../errors.ts";
import type { FeatureBag } from "./hashed-features.ts";

/** What a shipped model file says about itself (its JSON header). */
export interface LinearModelHeader {
  format: "turnsafe-linear/1";
  name: string;
  /** Hashed buckets are 2^bits. */
  bits: number;
  /** One logistic output per head, e.g. `harmful`, `violence`. */
  heads: string[];
  /** Named dense inputs after the hashed ones, in order. */
  extras: string[];
  /** Per head: int8 weight times scale is the weight. */
  scales: number[];
  /** Per head: probability from which the head says yes, chosen on the dev split. */
  thresholds: number[];
  /** Free-form provenance (seed, data counts, dev figures). */
  trained: Record<string, unknown>;
}

/** A multi-head logistic model over hashed features plus a few dense extras. */
export interface LinearModel {
  header: LinearModelHeader;
  /** int8 weights, bucket-major: weights[bucket * heads + head]. */
  weights: Int8Array;
  /** Dense weights, extra-major, then one bias per head. */
  dense: Float32Array;
}

const MAGIC = "TSLM";

/** Serialises a model: "TSLM", uint32 header length, JSON header, padding, int8, float32. */
export function encodeLinearModel(model: LinearModel): Buffer {
  const json = Buffer.from(JSON.stringify(model.header), "utf8");
  const headerEnd = 8 + json.length;
  const weightsStart = Math.ceil(headerEnd / 4) * 4;
  const denseStart = Math.ceil((weightsStart + model.weights.length) / 4) * 4;
  const out = Buffer.alloc(denseStart + model.dense.length * 4);
  out.write(MAGIC, 0, "ascii");
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  Buffer.from(model.weights.buffer, model.weights.byteOffset, model.weights.length).copy(out, weightsStart);
  for (let index = 0; index < model.dense.length; index++)
    out.writeFloatLE(model.dense[index] ?? 0, denseStart + index * 4);
  return out;
}

/** Reads a model file written by encodeLinearModel; a damaged file is an InputError naming it. */
export function decodeLinearModel(bytes: Buffer, source: string): LinearModel {
  const fail = (why: string) => new InputError(`not a turnsafe classifier file: ${why}`, source);
  if (bytes.length < 8 || bytes.toString("ascii", 0, 4) !== MAGIC) throw fail("bad magic");
  const jsonLength = bytes.readUInt32LE(4);
  if (8 + jsonLength > bytes.length) throw fail("header runs past the end");
  let header: LinearModelHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", 8, 8 + jsonLength)) as LinearModelHeader;
  } catch (error) {
    throw fail(`header is not JSON (${(error as Error).message})`);
  }
  if (header.format !== "turnsafe-linear/1") throw fail(`unknown format ${String(header.format)}`);
  const heads = header.heads.length;
  const weightCount = (1 << header.bits) * heads;
  const denseCount = (header.extras.length + 1) * heads;
  const weightsStart = Math.ceil((8 + jsonLength) / 4) * 4;
  const denseStart = Math.ceil((weightsStart + weightCount) / 4) * 4;
  if (bytes.length !== denseStart + denseCount * 4) throw fail("size does not match its header");
  const weights = new Int8Array(weightCount);
  weights.set(new Int8Array(bytes.buffer, bytes.byteOffset + weightsStart, weightCount));
  const dense = new Float32Array(denseCount);
  for (let index = 0; index < denseCount; index++) dense[index] = bytes.readFloatLE(denseStart + index * 4);
  return { header, weights, dense };
}

/** Loads a model file from disk. */
export function loadLinearModel(file: string): LinearModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(`cannot read classifier weights (${(error as Error).message})`, file, {
      cause: error,
    });
  }
  return decodeLinearModel(bytes, file);
}

/** Per-head log-odds for a bag of hashed features and the extras (in header order). */
export function linearLogits(
  model: LinearModel,
  bag: FeatureBag,
  extras: ArrayLike<number> = [],
): Float64Array {
  return finishLogits(model, hashedSums(model, bag), extras);
}

/**
 * The hashed part of the per-head log-odds, before the per-head scale: linear in the bag, so
 * the sums of separately hashed texts can be weighted and added (see finishLogits).
 */
export function hashedSums(model: LinearModel, bag: FeatureBag): Float64Array {
  const count = model.header.heads.length;
  const sums = new Float64Array(count);
  const { weights } = model;
  for (let feature = 0; feature < bag.length; feature++) {
    const base = (bag.indices[feature] ?? 0) * count;
    const value = bag.values[feature] ?? 0;
    for (let head = 0; head < count; head++)
      sums[head] = (sums[head] ?? 0) + value * (weights[base + head] ?? 0);
  }
  return sums;
}

/** Per-head log-odds from hashed sums (hashedSums, possibly weighted and added) and the extras. */
export function finishLogits(
  model: LinearModel,
  sums: ArrayLike<number>,
  extras: ArrayLike<number> = [],
): Float64Array {
  const { heads, scales, extras: extraNames } = model.header;
  const count = heads.length;
  const { dense } = model;
  const logits = new Float64Array(count);
  for (let head = 0; head < count; head++) {
    let value = (sums[head] ?? 0) * (scales[head] ?? 0) + (dense[extraNames.length * count + head] ?? 0);
    for (let extra = 0; extra < extraNames.length; extra++)
      value += (extras[extra] ?? 0) * (dense[extra * count + head] ?? 0);
    logits[head] = value;
  }
  return logits;
}

/** The logistic function. */
export function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/** Log-odds of a probability (clamped away from 0 and 1). */
export function logit(probability: number): number {
  const p = Math.min(1 - 1e-9, Math.max(1e-9, probability));
  return Math.log(p / (1 - p));
}
