import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScan } from '../../pwa/src/scan/parse.js';

// The vectors scanners.parse_scan passes (tests/unit/test_scan_vectors.py): the phone must
// read every scan as the server does, down to the error code.
const VECTORS = JSON.parse(readFileSync(new URL('../../scanners/vectors/scans.json', import.meta.url), 'utf8'));
const TODAY = '2026-11-23';

/** @param {any} c */
function read(c) {
  const today = c.today ?? TODAY;
  const primary = c.primary ? parseScan(c.primary, { today }) : undefined;
  return parseScan(c.text, { symbologyId: c.symbology_id, gsSubstitutes: c.gs_substitutes, today, primary });
}

for (const c of VECTORS) {
  test(`scan vector: ${c.name}`, () => {
    if (c.error) {
      assert.throws(() => read(c), (error) => error.code === c.error.code, `expected ${c.error.code}`);
    } else {
      assert.deepEqual(read(c), c.expect);
    }
  });
}

test('the vectors are the shared file, not an empty one', () => {
  assert.ok(VECTORS.length >= 80);
});
