// Symbology names and identifiers: one stable lower-case name per kind of barcode whatever
// reported it (BarcodeDetector, zxing-wasm, a keyboard wedge's AIM prefix), and the AIM
// symbology identifier "]cm" (ISO/IEC 15424) that says how the text is to be read.
// Pure: no DOM, runs anywhere.

/** A wedge scan with no AIM prefix, or typed text: nobody said what it was. */
export const UNKNOWN = 'unknown';

/**
 * zxing-wasm's format names (ReadResult.format) -> our names. Our names are the ones the
 * Barcode Detection API uses (qr_code, code_128, ean_13, ...), extended in the same style
 * for the formats it has no name for.
 * @type {Readonly<Record<string, string>>}
 */
const ZXING_FORMATS = Object.freeze({
  QRCode: 'qr_code',
  QRCodeModel1: 'qr_code',
  QRCodeModel2: 'qr_code',
  MicroQRCode: 'micro_qr_code',
  RMQRCode: 'rm_qr_code',
  DataMatrix: 'data_matrix',
  Aztec: 'aztec',
  AztecCode: 'aztec',
  AztecRune: 'aztec',
  PDF417: 'pdf417',
  CompactPDF417: 'pdf417',
  MicroPDF417: 'micro_pdf417',
  MaxiCode: 'maxi_code',
  Code128: 'code_128',
  Code39: 'code_39',
  Code39Std: 'code_39',
  Code39Ext: 'code_39',
  Code32: 'code_39',
  PZN: 'code_39',
  Code93: 'code_93',
  Codabar: 'codabar',
  ITF: 'itf',
  ITF14: 'itf',
  EAN13: 'ean_13',
  ISBN: 'ean_13',
  EAN8: 'ean_8',
  UPCA: 'upc_a',
  UPCE: 'upc_e',
  EAN5: 'ean_5',
  EAN2: 'ean_2',
  DataBar: 'databar',
  DataBarOmni: 'databar',
  DataBarStk: 'databar',
  DataBarStkOmni: 'databar',
  DataBarLtd: 'databar_limited',
  DataBarExp: 'databar_expanded',
  DataBarExpStk: 'databar_expanded',
  Telepen: 'telepen',
  TelepenAlpha: 'telepen',
  TelepenNumeric: 'telepen',
  DXFilmEdge: 'dx_film_edge',
});

/**
 * Our names -> the zxing-wasm reader formats that find them (for ReaderOptions.formats).
 * @type {Readonly<Record<string, string[]>>}
 */
const ZXING_READ_FORMATS = Object.freeze({
  qr_code: ['QRCode'],
  micro_qr_code: ['MicroQRCode'],
  rm_qr_code: ['RMQRCode'],
  data_matrix: ['DataMatrix'],
  aztec: ['Aztec'],
  pdf417: ['PDF417'],
  micro_pdf417: ['MicroPDF417'],
  maxi_code: ['MaxiCode'],
  code_128: ['Code128'],
  code_39: ['Code39'],
  code_93: ['Code93'],
  codabar: ['Codabar'],
  itf: ['ITF'],
  ean_13: ['EAN13'],
  ean_8: ['EAN8'],
  upc_a: ['UPCA'],
  upc_e: ['UPCE'],
  databar: ['DataBar'],
  databar_limited: ['DataBarLtd'],
  databar_expanded: ['DataBarExp'],
});

/**
 * What the field app looks for by default: QR asset labels, GS1 DataMatrix (UDI on
 * instruments and medicines), Code 128 (GS1-128, the store's item codes, wristbands),
 * EAN/UPC on packed consumables, Code 39 and ITF on older equipment and cartons.
 */
export const DEFAULT_FORMATS = Object.freeze([
  'qr_code',
  'data_matrix',
  'code_128',
  'ean_13',
  'ean_8',
  'upc_a',
  'upc_e',
  'code_39',
  'itf',
]);

/** The formats a native BarcodeDetector must have for the app to use it instead of wasm. */
export const REQUIRED_NATIVE_FORMATS = Object.freeze(['qr_code', 'data_matrix', 'code_128', 'ean_13']);

/**
 * AIM code characters (the "c" of "]cm") -> our names. The modifier "m" refines some.
 * @type {Readonly<Record<string, string>>}
 */
const AIM_CODES = Object.freeze({
  A: 'code_39',
  C: 'code_128',
  d: 'data_matrix',
  E: 'ean_13', // ]E0 EAN-13, UPC-A and UPC-E (as 13 digits); ]E4 EAN-8
  e: 'databar',
  F: 'codabar',
  G: 'code_93',
  I: 'itf',
  L: 'pdf417',
  Q: 'qr_code',
  U: 'maxi_code',
  z: 'aztec',
  X: UNKNOWN,
});

/**
 * Identifiers whose text is a GS1 element string (FNC1 in first position; ]e0 is always
 * GS1). ]d8 is a GS1 DataMatrix in a rectangular extension (DMRE) size: zxing-cpp adds 6 to
 * the modifier for DMRE.
 */
const GS1_IDENTIFIERS = new Set([']C1', ']d2', ']d5', ']d8', ']Q3', ']Q4', ']e0', ']z1', ']z4']);

const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Our name for a zxing-wasm ReadResult.format.
 * @param {string} format e.g. "QRCode", "EAN13"
 * @returns {string}
 */
export function fromZxingFormat(format) {
  return ZXING_FORMATS[format] ?? (format ? format.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() : UNKNOWN);
}

/**
 * The zxing-wasm reader formats for a list of our names (unknown names are left out).
 * @param {readonly string[]} names
 * @returns {string[]}
 */
export function zxingReadFormats(names) {
  return [...new Set(names.flatMap((name) => ZXING_READ_FORMATS[name] ?? []))];
}

/**
 * Our name for a BarcodeDetector format: the API's own names are ours already.
 * @param {string} format
 * @returns {string}
 */
export function fromDetectorFormat(format) {
  return format && format !== 'unknown' ? format : UNKNOWN;
}

/**
 * Our name for an AIM symbology identifier.
 * @param {string} id "]cm", e.g. "]C1"
 * @returns {string}
 */
export function fromAimIdentifier(id) {
  if (!AIM_PREFIX.test(id)) return UNKNOWN;
  const code = id[1];
  if (code === 'E' && id[2] === '4') return 'ean_8';
  return AIM_CODES[code] ?? UNKNOWN;
}

/**
 * Split a leading AIM symbology identifier off a scanner's text.
 * @param {string} text
 * @returns {{symbologyId: string, text: string} | null} null when there is none
 */
export function splitAimPrefix(text) {
  const match = AIM_PREFIX.exec(text);
  return match ? { symbologyId: match[0], text: text.slice(3) } : null;
}

/**
 * Whether an AIM identifier says the text is a GS1 element string.
 * @param {string | null | undefined} id
 * @returns {boolean}
 */
export function isGs1Identifier(id) {
  return Boolean(id) && GS1_IDENTIFIERS.has(/** @type {string} */ (id));
}
