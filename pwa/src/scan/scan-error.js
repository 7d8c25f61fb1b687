// What goes wrong reading a scan: an Error with the stable `code` of scanners/errors.py
// (docs/scanning.md lists them). Pure: runs anywhere.

export class ScanError extends Error {
  /**
   * @param {string} code one of scanners.errors.SCAN_ERROR_CODES
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'ScanError';
    this.code = code;
  }
}

/**
 * A result in the form of ScanResult.to_dict(): kind and text, then only what was found.
 * @param {Record<string, unknown>} fields
 * @returns {Record<string, unknown>}
 */
export function scanResult(fields) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[name] = value;
  }
  return out;
}
