import { describe, expect, it } from "vitest";
import { isPublicAddress } from "./safe-fetch.ts";

// One address inside every entry of the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (and the other non-unicast blocks: multicast, class E, site-local), plus IPv6 forms that
// carry an IPv4 address. None of them may be contacted.
const SPECIAL_IPV4 = [
  "0.0.0.0",
  "0.1.2.3", // 0.0.0.0/8 this network
  "10.0.0.1", // 10/8 private
  "100.64.0.1",
  "100.127.255.254", // 100.64/10 shared (CGNAT)
  "127.0.0.1",
  "127.255.0.1", // loopback
  "169.254.169.254", // link-local (cloud metadata)
  "172.16.0.1",
  "172.31.255.254", // 172.16/12 private
  "192.0.0.1",
  "192.0.0.8",
  "192.0.0.9",
  "192.0.0.10",
  "192.0.0.170",
  "192.0.0.171", // 192.0.0/24
  "192.0.2.1", // TEST-NET-1
  "192.31.196.1", // AS112-v4
  "192.52.193.1", // AMT
  "192.88.99.1", // 6to4 relay anycast (deprecated)
  "192.168.1.1", // private
  "192.175.48.1", // direct delegation AS112
  "198.18.0.1",
  "198.19.255.254", // benchmarking
  "198.51.100.1", // TEST-NET-2
  "203.0.113.1", // TEST-NET-3
  "224.0.0.1",
  "239.255.255.250", // multicast
  "240.0.0.1", // reserved (class E)
  "255.255.255.255", // limited broadcast
];
const SPECIAL_IPV6 = [
  "::",
  "::1", // unspecified, loopback
  "::ffff:127.0.0.1",
  "::ffff:10.0.0.1", // IPv4-mapped private
  "::7f00:1",
  "::a00:1", // IPv4-compatible (deprecated) loopback / private
  "::ffff:0:7f00:1",
  "::ffff:0:a00:1", // SIIT (RFC 6145) loopback / private
  "64:ff9b::7f00:1",
  "64:ff9b::a9fe:a9fe", // NAT64 well-known prefix, loopback / metadata
  "64:ff9b:1::1",
  "64:ff9b:1::808:808", // NAT64 local-use prefix
  "100::1", // discard-only
  "100:0:0:1::1", // dummy prefix
  "2001::1",
  "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo; server or client not public
  "2001:0:a00:1:8000:63bf:f7f7:f7f7", // Teredo with a private server address
  "2001:1::1",
  "2001:1::2",
  "2001:1::3", // port control anycast, TURN, DNS-SD
  "2001:2::1", // benchmarking
  "2001:3::1", // AMT
  "2001:4:112::1", // AS112-v6
  "2001:10::1",
  "2001:20::1",
  "2001:30::1", // ORCHID, ORCHIDv2, drone remote ID
  "2001:db8::1", // documentation
  "2002:7f00:1::1",
  "2002:a00:1::1",
  "2002:c0a8:101::1", // 6to4 of private IPv4
  "2620:4f:8000::1", // direct delegation AS112
  "3fff::1", // documentation
  "5f00::1", // segment routing SIDs
  "fc00::1",
  "fd12:3456::1", // unique local
  "fe80::1",
  "fe80::1%eth0", // link-local
  "fec0::1", // site-local (deprecated)
  "ff02::1",
  "ff05::1:3", // multicast
];

describe("isPublicAddress against the special-purpose registries", () => {
  it.each([...SPECIAL_IPV4, ...SPECIAL_IPV6])("%s is not public", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808", // NAT64 of a public address
    "2002:808:808::1", // 6to4 of a public address
  ])("%s is public", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("rejects what is not an address", () => {
    expect(isPublicAddress("not-an-ip")).toBe(false);
    expect(isPublicAddress("")).toBe(false);
  });
});
