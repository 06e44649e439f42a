import type { z } from "zod";
import type { MiddlewareLayer, Target } from "../contracts/index.ts";
import { formatZodError } from "../dialogue/jsonl.ts";
import { InputError } from "../errors.ts";

/** Models a defence may need besides the target it wraps. */
export interface DefenceDependencies {
  /** The model behind moderator-based defences; unset, the defended target moderates itself. */
  moderatorTarget?: Target;
}

/** One defence: its identity, options and how to build its middleware (design.md: one define* call). */
export interface DefenceDefinition<Options = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates options and fills in defaults; `{}` must parse. */
  readonly options: z.ZodType<Options>;
  create(options: Options, dependencies: DefenceDependencies): MiddlewareLayer;
}

/** A definition whose options are checked before use. */
export interface Defence<Options = unknown> extends DefenceDefinition<Options> {
  /** Parses `options` (defaults when absent) and builds the middleware. */
  build(options?: unknown, dependencies?: DefenceDependencies): MiddlewareLayer;
}

/** Declares a defence: name, description, options schema and factory in one place. */
export function defineDefence<Options>(definition: DefenceDefinition<Options>): Defence<Options> {
  return {
    ...definition,
    build(options = {}, dependencies = {}) {
      const parsed = definition.options.safeParse(options);
      if (!parsed.success)
        throw new InputError(
          formatZodError(parsed.error, options, definition.options),
          `defence ${definition.name} options`,
        );
      return definition.create(parsed.data, dependencies);
    },
  };
}
