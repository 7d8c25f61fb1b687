// The keyboard wedge on every screen. A screen with a scan button takes its scans itself
// (the report form, the part sheet); on any other screen (the order list, an order, the
// inbox...) a scanned asset tag opens that asset's open work order, or the list of them, or
// says it has none, and anything else is said back. Window only; the scanner modules load
// after the first screen is shown.
import { t } from './i18n.js';
import { scanTarget } from './scan-target.js';
import { screenTakesScans } from './components/scan-button.js';

/**
 * @param {object} options
 * @param {() => any} options.getClient
 * @param {(path: string) => void} options.navigate
 * @param {(message: string) => void} options.toast
 * @returns {Promise<() => void>} stop listening
 */
export async function listenEverywhere({ getClient, navigate, toast }) {
  const scanner = await import('../scan/scanner.js');

  /** @param {any} event */
  async function handle(event) {
    const client = getClient();
    if (!client?.user || screenTakesScans()) return;
    const text = String(event.text ?? '').trim();
    if (event.suppressed) {
      toast(t('scan.already', { code: text }));
      return;
    }
    // A sheet is half filled in: it stays; the scan is only said back.
    if (document.querySelector('dialog[open]')) {
      toast(t('scan.sheet_open', { text }));
      return;
    }
    const target = await scanTarget(scanner.classify(event), text, {
      assetByTag: async (tag) => (await client.findBy('tag_code', tag)).find((row) => row.type === 'asset'),
      ordersOf: (assetId) => client.list('work_order', (order) => order.asset_id === assetId),
    });
    switch (target.kind) {
      case 'order':
        navigate(`/orders/${target.id}`);
        break;
      case 'orders':
        navigate(`/orders?asset=${encodeURIComponent(target.tag)}`);
        break;
      case 'no_order':
        toast(t('scan.no_open_order', { asset: target.asset, tag: target.tag }));
        break;
      case 'unknown_tag':
        toast(t('scan.unknown_tag', { tag: target.tag }));
        break;
      default:
        toast(t('scan.not_a_tag', { text: target.text }));
    }
  }

  return scanner.subscribe((event) => {
    handle(event).catch((error) => console.error('scan', error));
  });
}
