import path from "node:path";
import { type LinearModel, loadLinearModel } from "./linear-model.ts";

/** The classifiers trained by `npm run train` and shipped in the package's models/ folder. */
export type ShippedModelName = "prompt-harm" | "answer-harm" | "refusal";

/** Where the shipped weights live (models/ at the package root, next to src/ and dist/). */
export const MODELS_DIR =
  process.env.TURNSAFE_MODELS_DIR ?? path.resolve(import.meta.dirname, "../../models");

const loaded = new Map<ShippedModelName, LinearModel>();

/** A shipped model, read from disk once per process. A missing or damaged file is an InputError. */
export function shippedModel(name: ShippedModelName): LinearModel {
  let model = loaded.get(name);
  if (!model) {
    model = loadLinearModel(path.join(MODELS_DIR, `${name}.tslm`));
    loaded.set(name, model);
  }
  return model;
}

/** The index of a head by name; an InputError-free programming check. */
export function headIndex(model: LinearModel, head: string): number {
  const index = model.header.heads.indexOf(head);
  if (index < 0) throw new Error(`model ${model.header.name} has no head ${head}`);
  return index;
}
