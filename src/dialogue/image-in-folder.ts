import { realpathSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.ts";

/**
 * The absolute path of an image a dataset names relative to its image folder. Throws an
 * InputError (naming `where`) when the path resolves outside that folder, symlinks included,
 * unless `allowOutside`: a data file must not make turnsafe read (and send to a model) files it
 * does not hold, such as `../../.ssh/id_rsa` or `/etc/passwd`.
 */
export function imageInFolder(folder: string, written: string, where: string, allowOutside = false): string {
  const file = path.resolve(folder, written);
  if (allowOutside) return file;
  const base = realOrResolved(folder);
  const relative = path.relative(base, realOrResolved(file));
  if (relative.startsWith("..") || path.isAbsolute(relative))
    throw new InputError(
      `image ${written} is outside the image folder ${base} (move it inside the folder; 'turnsafe run' and 'safemt run' accept --allow-outside-images)`,
      where,
    );
  return file;
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
