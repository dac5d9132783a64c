/**
 * Secret-shaped values: refused in the stage config (every field there is plain:
 * it lands in the task definition, in Terraform state and in the CI log) and never
 * printed back. Secrets belong in Secrets Manager (see docs/web-service.md).
 *
 * A value is secret-shaped when it contains a known credential format (AWS access
 * key ID, Google API key, private key block, GitHub/Slack token, `sk-` API key, JSON
 * Web Token, password in a URL) or a long high-entropy token (24+ characters of
 * base64 alphabet that are as varied as random keys are: not words, hostnames,
 * hyphenated names, UUIDs or hex digests; see isHighEntropyToken).
 *
 * @example
 * secretKind("AIzaSyA-1234567890abcdefghijklmnopqrstu"); // "a Google API key"
 * redact("AKIAIOSFODNN7EXAMPLE");                        // "<redacted: an AWS access key ID, 20 characters>"
 */

/** Known credential formats, most specific first. */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, "a private key"],
  [/(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/, "an AWS access key ID"],
  [/AIza[0-9A-Za-z_-]{35}/, "a Google API key"],
  [/(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, "a GitHub token"],
  [/xox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/(?<![A-Za-z0-9])sk-(?:proj-|live_|test_|ant-)?[A-Za-z0-9_-]{20,}/, "an API key"],
  [/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JSON Web Token"],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "a URL with a password"],
];

/** Shannon entropy of a string, in bits per character. */
export function entropyBitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

const TOKEN = /[A-Za-z0-9+/=_-]{24,}/g;

/**
 * True for a long token that looks random: letters and digits mixed, at most three
 * `-`/`_` (hyphenated names have more), not a hex string (digests, UUIDs, git SHAs),
 * nearly as many distinct characters as its length and alphabet allow (entropy within
 * 0.9 bits of log2 of the smaller: a random 32-character base62 key scores above that
 * 99% of the time),
 * and character classes mixed the way random keys mix them (classSwitchRate).
 */
function isHighEntropyToken(token: string): boolean {
  if (!/[A-Za-z]/.test(token) || !/\d/.test(token) || /^[0-9a-f-]+$/i.test(token)) return false;
  if ((token.match(/[-_]/g) ?? []).length > 3) return false;
  const alphabet = (/[a-z]/.test(token) ? 26 : 0) + (/[A-Z]/.test(token) ? 26 : 0) + 10 + (/[^A-Za-z0-9]/.test(token) ? 4 : 0);
  if (entropyBitsPerChar(token) < Math.min(Math.log2(token.length), Math.log2(alphabet)) - 0.9) return false;
  // Words (camel-case names such as targetResponseTimeP95Seconds) change character class
  // only at word boundaries and are about 35-40% vowels; random keys switch class often
  // or, in a one-case alphabet (base32), have few vowels (5 of 26 letters).
  return classSwitchRate(token) >= 0.4 || vowelShare(token) < 0.25;
}

/** Share of vowels among the letters. */
function vowelShare(token: string): number {
  const letters = token.match(/[A-Za-z]/g) ?? [];
  return letters.filter((c) => /[aeiou]/i.test(c)).length / Math.max(1, letters.length);
}

/**
 * How often neighbouring characters change class (lower, upper, digit, other): about
 * 0.6 in a random base62/base64 key, about 0.3 in camel-case names such as
 * `targetResponseTimeP95Seconds`, whose classes change only at word boundaries.
 */
function classSwitchRate(token: string): number {
  const cls = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /\d/.test(c) ? 2 : 3);
  let switches = 0;
  for (let i = 1; i < token.length; i++) if (cls(token[i]) !== cls(token[i - 1])) switches++;
  return switches / (token.length - 1);
}

/** What kind of secret `value` looks like, or undefined when it does not. */
export function secretKind(value: string): string | undefined {
  for (const [pattern, kind] of SHAPES) if (pattern.test(value)) return kind;
  if ((value.match(TOKEN) ?? []).some(isHighEntropyToken)) return "a long random string (an API key or password?)";
  return undefined;
}

/** A placeholder saying what was removed; never any character of the value. */
export function redact(value: string): string {
  return `<redacted: ${secretKind(value) ?? "a secret"}, ${value.length} characters>`;
}

/** Every secret-shaped string anywhere in `value`, with its path. */
export function findSecrets(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string; kind: string }[] {
  if (typeof value === "string") {
    const kind = secretKind(value);
    return kind ? [{ path, value, kind }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(secretKind(k) ? [{ path: [...path, k], value: k, kind: secretKind(k)! }] : []),
      ...findSecrets(v, [...path, k]),
    ]);
  }
  return [];
}

/** `text` with every occurrence of each secret replaced by its redaction. */
export function redactAll(text: string, secrets: readonly string[]): string {
  return [...secrets].sort((a, b) => b.length - a.length).reduce((t, s) => t.split(s).join(redact(s)), text);
}
