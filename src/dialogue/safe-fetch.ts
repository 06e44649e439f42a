import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
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

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

/** True for public unicast addresses; false for private, loopback, link-local and the like. */
export function isPublicAddress(address: string, family: number = isIP(address)): boolean {
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return !blocked.check(mapped[1], "ipv4");
    return !blocked.check(address, "ipv6");
  }
  if (family === 4) return !blocked.check(address, "ipv4");
  return false;
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
