import type { Usage } from "../contracts/index.ts";

/** US dollars per million tokens. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * A few list prices (USD per 1M tokens, as published by the providers in 2025) so costs show
 * without configuration; `pricing:` in the config overrides or adds entries. Unknown models cost 0
 * and are flagged in the report.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  "openai:gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "openai:gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "openai:gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "openai:gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "anthropic:claude-3-5-haiku-latest": { inputPerMillion: 0.8, outputPerMillion: 4 },
  "anthropic:claude-sonnet-4-5": { inputPerMillion: 3, outputPerMillion: 15 },
  "google:gemini-2.5-flash": { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  "google:gemini-2.5-pro": { inputPerMillion: 1.25, outputPerMillion: 10 },
};

/** Looks up prices by `provider:model`; returns undefined for unknown models. */
export class PriceTable {
  readonly #prices: Map<string, Price>;

  constructor(overrides: Record<string, Price> = {}) {
    this.#prices = new Map(Object.entries({ ...DEFAULT_PRICES, ...overrides }));
  }

  /** Price of a model, if known. */
  priceOf(provider: string, model: string): Price | undefined {
    return this.#prices.get(`${provider}:${model}`);
  }

  /** Cost of one call in USD (0 for unknown models). */
  cost(provider: string, model: string, usage: Usage): number {
    const price = this.priceOf(provider, model);
    if (!price) return 0;
    return (
      (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000
    );
  }
}
