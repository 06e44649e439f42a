import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** The cookie that carries the access key after the first visit with `?key=`. */
export const KEY_COOKIE = "turnsafe_view_key";

/** Sources the pages may load: the viewer itself only (no outside request can leave the page). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

function sameKey(given: string | undefined, key: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(key));
}

/**
 * Security headers on every answer; on a loopback-bound viewer, requests naming another host are
 * refused (DNS rebinding); with an access key, every request must carry it (Bearer header, the
 * cookie, or `?key=` once, which sets the cookie and redirects to the URL without it).
 */
export function viewerGuard(options: { accessKey?: string; loopback: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (options.loopback && !options.accessKey) {
      const host = (c.req.header("host") ?? "").replace(/:\d+$/, "");
      if (!LOOPBACK_NAMES.has(host)) return c.text(`host ${host || "(none)"} is not this viewer`, 403);
    }
    if (options.accessKey) {
      const fromQuery = url.searchParams.get("key") ?? undefined;
      if (sameKey(fromQuery, options.accessKey)) {
        setCookie(c, KEY_COOKIE, options.accessKey, { httpOnly: true, sameSite: "Strict", path: "/" });
        url.searchParams.delete("key");
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
      if (!sameKey(bearer, options.accessKey) && !sameKey(getCookie(c, KEY_COOKIE), options.accessKey))
        return c.text("this viewer needs its access key: open the URL it printed (with ?key=...)", 401);
    }
    await next();
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  };
}
