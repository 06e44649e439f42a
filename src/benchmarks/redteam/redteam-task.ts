import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { formatZodError, readJsonl } from "../../dialogue/jsonl.ts";
import { InputError } from "../../errors.ts";

/** An image the attacker may show: from the task's pool (mined or supplied) or rendered in the run. */
export interface PoolImage {
  id: string;
  /** Absolute path of the image file. */
  path: string;
  caption: string;
}

/** One red-team task (a search goal), in either accepted file format. */
export interface RedteamTask {
  id: string;
  /** What the attacker tries to get the target to do. */
  goal: string;
  dimension: string | null;
  subdimension: string | null;
  /** MMRT's definition and example of the subdimension, when given. */
  definition: string | null;
  example: string | null;
  keywords: string[];
  images: PoolImage[];
}

const idSchema = z.string().regex(/^[\w.-]+$/, "use letters, digits, '.', '_' or '-'");

/** MMRT's task format: images at `<images>/<task id>/<image id>`. */
const mmrtTaskSchema = z
  .object({
    id: z.union([idSchema, z.int().transform(String)]),
    dimension: z.string().min(1),
    subdimension: z.string().min(1),
    definition: z.string().optional(),
    example: z.string().optional(),
    malicious_intent: z.string().min(1).optional(),
    intent: z.string().min(1).optional(),
    keywords: z
      .array(
        z.object({ text: z.string().min(1), image_id: idSchema, caption: z.string().default("") }).strict(),
      )
      .default([]),
  })
  .strict()
  .refine((task) => task.malicious_intent ?? task.intent, {
    message: "needs malicious_intent (or intent)",
    path: ["malicious_intent"],
  });

/** The plain format: a goal and optional images (paths relative to the tasks file, or the images folder). */
const plainTaskSchema = z
  .object({
    id: z.union([idSchema, z.int().transform(String)]),
    goal: z.string().min(1),
    dimension: z.string().optional(),
    images: z
      .array(
        z.union([
          z.string().min(1),
          z
            .object({ id: idSchema.optional(), path: z.string().min(1), caption: z.string().optional() })
            .strict(),
        ]),
      )
      .default([]),
  })
  .strict();

const recordSchema = z.record(z.string(), z.unknown());

/** MMRT's format when the line has its fields and no `goal`; else the plain one (so errors name `goal`). */
function schemaFor(value: Record<string, unknown>): typeof plainTaskSchema | typeof mmrtTaskSchema {
  const mmrt = ["malicious_intent", "intent", "keywords", "subdimension"].some((key) => key in value);
  return mmrt && !("goal" in value) ? mmrtTaskSchema : plainTaskSchema;
}

const IMAGE_EXTENSIONS = ["", ".png", ".jpg", ".jpeg", ".webp"];

/**
 * Reads a tasks file (JSONL, one task a line, either format). Errors name the file, the line and
 * the field, e.g. `tasks.jsonl:3: keywords.0.image_id: no image file ...`; duplicate ids are errors.
 */
export async function loadRedteamTasks(file: string, imagesDir?: string): Promise<RedteamTask[]> {
  const base = path.dirname(path.resolve(file));
  const images = imagesDir ? path.resolve(imagesDir) : path.join(base, "images");
  const tasks: RedteamTask[] = [];
  const seen = new Map<string, number>();
  for await (const { line, value: raw } of readJsonl(file, recordSchema)) {
    const where = `${file}:${line}`;
    const schema = schemaFor(raw);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new InputError(formatZodError(parsed.error, raw, schema), where);
    const value = parsed.data;
    const id = value.id;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new InputError(`id: ${id} is already used on line ${earlier}`, where);
    seen.set(id, line);
    tasks.push("goal" in value ? plainTask(value, base, where) : mmrtTask(value, images, where));
  }
  if (tasks.length === 0) throw new InputError("no tasks in the file", file);
  return tasks;
}

function plainTask(value: z.infer<typeof plainTaskSchema>, base: string, where: string): RedteamTask {
  const images = value.images.map((image, index): PoolImage => {
    const entry = typeof image === "string" ? { path: image } : image;
    const file = path.resolve(base, entry.path);
    if (!existsSync(file)) throw new InputError(`images.${index}: no image file ${file}`, where);
    const id = ("id" in entry && entry.id) || `img${index + 1}`;
    return { id, path: file, caption: ("caption" in entry && entry.caption) || path.basename(file) };
  });
  return {
    id: value.id,
    goal: value.goal,
    dimension: value.dimension ?? null,
    subdimension: null,
    definition: null,
    example: null,
    keywords: [],
    images,
  };
}

function mmrtTask(value: z.infer<typeof mmrtTaskSchema>, images: string, where: string): RedteamTask {
  const pool = value.keywords.map((keyword, index): PoolImage => {
    const stem = path.join(images, value.id, keyword.image_id);
    const file = IMAGE_EXTENSIONS.map((extension) => stem + extension).find((candidate) =>
      existsSync(candidate),
    );
    if (!file)
      throw new InputError(`keywords.${index}.image_id: no image file ${stem}[.png|.jpg|.webp]`, where);
    return { id: keyword.image_id, path: file, caption: keyword.caption || keyword.text };
  });
  return {
    id: value.id,
    goal: value.malicious_intent ?? value.intent ?? "",
    dimension: value.dimension,
    subdimension: value.subdimension,
    definition: value.definition ?? null,
    example: value.example ?? null,
    keywords: value.keywords.map((keyword) => keyword.text),
    images: pool,
  };
}
