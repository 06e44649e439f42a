import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { ImageError } from "../errors.ts";

/** Limits for fetching a remote image. URL fetching is off unless `allow` is true. */
export interface FetchPolicy {
  allow: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Decides whether a resolved address may be contacted; defaults to public addresses only. */
  isAddressAllowed?: (address: string, family: number) => boolean;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  allow: false,
  maxBytes: 20 * 1024 * 1024,
  timeoutMs: 15_000,
  maxRedirects: 3,
};

/**
 * True for public unicast addresses only: every special-purpose range of the IANA registries
 * (private, loopback, link-local, CGNAT, multicast, documentation, benchmarking, reserved,
 * site-local, discard...) is classified by ipaddr.js's `range()`, and only `unicast` counts
 * as public. IPv6 forms that carry an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4,
 * Teredo) are public only when the embedded IPv4 address is.
 */
export function isPublicAddress(address: string, _family: number = isIP(address)): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/%.*$/, ""));
  } catch {
    return false;
  }
  if (parsed.kind() === "ipv4") return parsed.range() === "unicast";
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded === null) return false;
  if (embedded.length > 0) return embedded.every((v4) => v4.range() === "unicast");
  return v6.range() === "unicast" && !EXTRA_SPECIAL_V6.some((range) => v6.match(range));
}

/** Special-purpose IPv6 ranges of the IANA registry that ipaddr.js does not classify yet. */
const EXTRA_SPECIAL_V6: [ipaddr.IPv6, number][] = [
  ipaddr.IPv6.parseCIDR("100:0:0:1::/64"), // RFC 9780 dummy prefix
];

/**
 * The IPv4 addresses an IPv6 address reaches (empty: none; null: a form never treated as
 * public, such as the local-use NAT64 prefix 64:ff9b:1::/48 whose layout is site-defined).
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const p = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const last = () => v4(p[6] ?? 0, p[7] ?? 0);
  switch (address.range()) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
      return [last()];
    case "rfc6052": // 64:ff9b::/96 well-known NAT64; 64:ff9b:1::/48 local use
      return p[2] === 0 ? [last()] : null;
    case "6to4": // 2002:AABB:CCDD::/48
      return [v4(p[1] ?? 0, p[2] ?? 0)];
    case "teredo": // 2001:0:SSSS:SSSS:flags:port:~CCCC:~CCCC (server and obfuscated client)
      return [v4(p[2] ?? 0, p[3] ?? 0), v4(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff)];
    default:
      // IPv4-compatible ::a.b.c.d (deprecated; ::/96 reaches the embedded IPv4 address).
      if (p.slice(0, 6).every((part) => part === 0)) return [last()];
      return [];
  }
}

/**
 * Fetches a URL's body under the policy. Every address is checked at connection time
 * (so DNS rebinding and redirects cannot reach a private host).
 */
export async function safeFetch(
  url: string,
  policy: FetchPolicy,
  signal?: AbortSignal,
): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  if (!policy.allow)
    throw new ImageError(`fetching image URLs is disabled (${redact(url)}); enable it explicitly`);
  const allowed = policy.isAddressAllowed ?? isPublicAddress;
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:")
      throw new ImageError(`only http and https image URLs are fetched, not ${current.protocol}`);
    const literal = current.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && !allowed(literal, isIP(literal)))
      throw new ImageError(`image URL points at a non-public address (${literal})`);
    const result = await getOnce(current, policy, allowed, signal);
    if ("location" in result) {
      if (redirects >= policy.maxRedirects)
        throw new ImageError(`too many redirects fetching ${redact(url)}`);
      current = new URL(result.location, current);
      continue;
    }
    return result;
  }
}

function guardedLookup(allowed: (address: string, family: number) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((entry) => !allowed(entry.address, entry.family));
      if (bad || list.length === 0) {
        const reason = new ImageError(`image host ${hostname} resolves to a non-public address`);
        return callback(reason as NodeJS.ErrnoException, "", 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function getOnce(
  url: URL,
  policy: FetchPolicy,
  allowed: (address: string, family: number) => boolean,
  signal?: AbortSignal,
): Promise<{ bytes: Buffer; contentType: string | undefined } | { location: string }> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      { lookup: guardedLookup(allowed), timeout: policy.timeoutMs, signal, headers: { accept: "image/*" } },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ location: response.headers.location });
        }
        if (status !== 200) {
          response.resume();
          return reject(new ImageError(`fetching ${redact(url.href)} returned HTTP ${status}`));
        }
        const declared = Number(response.headers["content-length"] ?? 0);
        if (declared > policy.maxBytes) {
          response.destroy();
          return reject(
            new ImageError(`image at ${redact(url.href)} is larger than ${policy.maxBytes} bytes`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > policy.maxBytes) {
            response.destroy();
            reject(new ImageError(`image at ${redact(url.href)} is larger than ${policy.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({ bytes: Buffer.concat(chunks), contentType: response.headers["content-type"] }),
        );
        response.on("error", (error) =>
          reject(new ImageError(`reading ${redact(url.href)} failed`, { cause: error })),
        );
      },
    );
    request.on("timeout", () => request.destroy(new ImageError(`fetching ${redact(url.href)} timed out`)));
    request.on("error", (error) =>
      reject(
        error instanceof ImageError
          ? error
          : new ImageError(`fetching ${redact(url.href)} failed: ${error.message}`),
      ),
    );
  });
}

/** Drops query strings and credentials from a URL before it is shown anywhere. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    const hadQuery = parsed.search !== "";
    parsed.search = "";
    parsed.hash = "";
    return hadQuery ? `${parsed.href}?…` : parsed.href;
  } catch {
    return "<invalid url>";
  }
}
