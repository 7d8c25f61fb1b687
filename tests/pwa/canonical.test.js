import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalJson, opHash, opHashSync } from '../../pwa/src/shared/canonical.js';
import { sha256Hex } from '../../pwa/src/shared/sha256.js';

const vectors = JSON.parse(readFileSync(new URL('../../sync/vectors/hash_chain.json', import.meta.url), 'utf8'));

test('every golden hash in sync/vectors/hash_chain.json is reproduced', async () => {
  assert.ok(vectors.chain.length >= 3);
  let previous = '';
  for (const { op, hash } of vectors.chain) {
    assert.equal(op.prev_hash, previous, `seq ${op.seq} chains to the op before`);
    assert.equal(await opHash(op), hash, `opHash of seq ${op.seq}`);
    assert.equal(opHashSync(op), hash, `opHashSync of seq ${op.seq}`);
    previous = hash;
  }
});

test('the hash covers exactly the chain fields, a missing one as null', async () => {
  const { op, hash } = vectors.chain[0];
  assert.equal(await opHash({ ...op, extra: 'ignored' }), hash);
  const withoutBlobs = { ...op };
  delete withoutBlobs.blobs;
  assert.equal(await opHash(withoutBlobs), await opHash({ ...op, blobs: null }));
  assert.notEqual(await opHash(withoutBlobs), hash);
});

// Expected strings are Python's json.dumps(value, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False) of the same values, written out literally.
test('nested keys sort at every level; null and booleans', () => {
  assert.equal(
    canonicalJson({ b: { z: 1, a: [3, { y: null, x: true }] }, a: false }),
    '{"a":false,"b":{"a":[3,{"x":true,"y":null}],"z":1}}',
  );
});

test('unicode is written unescaped, controls escaped like Python', () => {
  assert.equal(
    canonicalJson({ text: '更换过滤网 – done ✓', emoji: '😀', quote: 'a"b\\c\n\t\u0001\u007f' }),
    '{"emoji":"😀","quote":"a\\"b\\\\c\\n\\t\\u0001\u007f","text":"更换过滤网 – done ✓"}',
  );
});

test('keys sort by code point, not by UTF-16 unit', () => {
  // UTF-16 order would put the emoji (a surrogate pair, 0xD83D...) before U+FF01.
  assert.equal(canonicalJson({ '😀': 1, '！': 2, a: 3, B: 4, é: 5 }), '{"B":4,"a":3,"é":5,"！":2,"😀":1}');
});

test('floats in shortest round-trip form, as Python repr', () => {
  assert.equal(
    canonicalJson([101.3, 0.1, 1.5, -2.25, 1e-5, 0.0001, 1.5e-7, 1e21, 1e300, 5e-324, 123456789012.5, -0.5]),
    '[101.3,0.1,1.5,-2.25,1e-05,0.0001,1.5e-07,1e+21,1e+300,5e-324,123456789012.5,-0.5]',
  );
});

test('integer-valued numbers are written as JSON integers, as the server reads them', () => {
  assert.equal(
    canonicalJson([0, -0, -1, 3, 9007199254740991, 1e16, 2 ** 60, null, true, false, '', [], {}]),
    '[0,0,-1,3,9007199254740991,10000000000000000,1152921504606847000,null,true,false,"",[],{}]',
  );
});

test('what JSON cannot carry is refused', () => {
  assert.throws(() => canonicalJson(Number.NaN), RangeError);
  assert.throws(() => canonicalJson(Infinity), RangeError);
  assert.throws(() => canonicalJson('\ud800'), TypeError);
  assert.throws(() => canonicalJson(new Date()), TypeError);
  assert.throws(() => canonicalJson(1n), TypeError);
});

test('the synchronous SHA-256 agrees with WebCrypto', async () => {
  for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
    const bytes = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    assert.equal(sha256Hex(bytes), hex, `${size} bytes`);
  }
});
