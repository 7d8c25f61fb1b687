// Ids the phone and the server derive alike (server/domain/stock/ids.py): a UUID version 8
// made of the first 128 bits of the SHA-256 of a readable key. So a lot received offline and
// the balance an offline issue lowers name the rows the server will write. Pure and
// synchronous (an IndexedDB transaction cannot wait for WebCrypto); sync/vectors/stock-ids.json
// holds both sides to the same answers.
import { sha256Hex } from './sha256.js';

/**
 * @param {string} key
 * @returns {string}
 */
export function derivedId(key) {
  const hex = sha256Hex(new TextEncoder().encode(key)).slice(0, 32);
  const bytes = hex.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? [];
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const out = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/** A lot as its packaging names it: the item and the batch code, verbatim. */
export function lotId(/** @type {string} */ itemId, /** @type {string} */ lot) {
  return derivedId(`stock_lot:${itemId.toLowerCase()}:${lot}`);
}

/**
 * On hand of one item (and lot) in one bin of a store (or the store's floor).
 * @param {string} storeId
 * @param {string | null | undefined} binId
 * @param {string} itemId
 * @param {string | null | undefined} lotRowId a lot's id (lotId), not its code
 */
export function balanceId(storeId, binId, itemId, lotRowId) {
  const low = (/** @type {string | null | undefined} */ id) => (id ? id.toLowerCase() : '');
  return derivedId(`stock_balance:${low(storeId)}:${low(binId)}:${low(itemId)}:${low(lotRowId)}`);
}
