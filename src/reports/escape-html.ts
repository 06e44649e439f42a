const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML and SVG element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const IMAGE_DATA_URI = /^data:image\/(?:png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * The URI itself when it is a base64 raster image data URI, otherwise null. Reports must
 * never make the browser fetch anything, and SVG images can carry markup, so nothing else
 * is let through.
 */
export function safeImageDataUri(uri: string | undefined): string | null {
  if (uri === undefined) return null;
  return IMAGE_DATA_URI.test(uri) ? uri : null;
}
