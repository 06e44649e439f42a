import type { TargetCapabilities } from "../contracts/index.ts";
import type { ImageLimits } from "../dialogue/image-ref.ts";
import type { CapabilitiesConfig, ProviderName } from "./provider-spec.ts";

const MEGABYTE = 1024 * 1024;
const COMMON_MEDIA_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/**
 * What one image may be for each provider's API. Sizes follow the providers' published
 * limits, with the dimension set where the provider would downscale anyway, so resizing
 * here costs no detail the model would have seen.
 */
export const PROVIDER_IMAGE_LIMITS: Readonly<Record<ProviderName, ImageLimits>> = {
  openai: { maxBytes: 20 * MEGABYTE, maxDimension: 2048, mediaTypes: COMMON_MEDIA_TYPES },
  anthropic: { maxBytes: 5 * MEGABYTE, maxDimension: 1568, mediaTypes: COMMON_MEDIA_TYPES },
  google: {
    maxBytes: 7 * MEGABYTE,
    maxDimension: 3072,
    mediaTypes: ["image/png", "image/jpeg", "image/webp"],
  },
  "openai-compatible": { maxBytes: 20 * MEGABYTE, maxDimension: 2048, mediaTypes: COMMON_MEDIA_TYPES },
};

/**
 * Images per request each provider accepts. openai-compatible servers (vLLM and friends)
 * are often started with a small per-prompt limit, so its default is modest; raise it
 * with `capabilities.maxImages`.
 */
export const PROVIDER_MAX_IMAGES: Readonly<Record<ProviderName, number>> = {
  openai: 500,
  anthropic: 100,
  google: 3000,
  "openai-compatible": 16,
};

/** Combines a provider's defaults with what the config overrides. */
export function resolveCapabilities(
  provider: ProviderName,
  config: CapabilitiesConfig = {},
): TargetCapabilities {
  const limits = PROVIDER_IMAGE_LIMITS[provider];
  return {
    vision: config.vision ?? true,
    maxImages: config.maxImages ?? PROVIDER_MAX_IMAGES[provider],
    imageFallback: config.imageFallback ?? "error",
    imageLimits: {
      maxBytes: config.maxImageBytes ?? limits.maxBytes,
      maxDimension: config.maxImageDimension ?? limits.maxDimension,
      mediaTypes: limits.mediaTypes,
    },
  };
}
