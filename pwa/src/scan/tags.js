// Asset tags, by the server's rules (scanners/tags.py): ten Crockford base32 characters,
// bare or as the public card URL <any http(s) host>/a/<code>, upper-cased. Pure: runs anywhere.

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TAG_LENGTH = 10;

const TAG = new RegExp(`^[${CROCKFORD_ALPHABET}]{${TAG_LENGTH}}$`);
const CARD_PATH = /^\/a\/([^/]+)\/?$/;

/**
 * The upper-case code if `text` is exactly a tag code (spaces around it allowed).
 * @param {string} text
 * @returns {string | null}
 */
export function normaliseTag(text) {
  const candidate = text.trim().toUpperCase();
  return TAG.test(candidate) ? candidate : null;
}

/**
 * The tag code in a scan: a bare code, or a card URL on any http(s) host; else null.
 * @param {string} text
 * @returns {string | null}
 */
export function tagFromScan(text) {
  const bare = normaliseTag(text);
  if (bare) return bare;
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) return null;
  const match = CARD_PATH.exec(url.pathname);
  return match ? normaliseTag(match[1]) : null;
}
