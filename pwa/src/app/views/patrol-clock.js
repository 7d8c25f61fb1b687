// Clocking in or out: a scan of a designated clock point is required (its QR code, its NFC
// tag, or the code typed with a reason); a checkpoint that is no clock point is refused on
// the phone, with words, and nothing is recorded.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { checkpointOf, clockState, clockWords } from '../patrol-logic.js';
import { checkpointScan } from '../components/checkpoint-scan.js';
import { pageHead, perform } from './common.js';
import { clockTime, patrolRows } from './patrol-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function patrolClock(ctx) {
  const { client, user, outlet } = ctx;
  const [{ checkpoints }, events] = await Promise.all([patrolRows(client), client.list('clock_event')]);
  const state = clockState(events, user?.id);
  const kind = state.in ? 'out' : 'in';
  const points = [...checkpoints.values()].filter((c) => c.clock_point);
  const scanner = checkpointScan({
    label: t('patrol.scan_clock_point'),
    onCleanup: ctx.onCleanup,
    onScan: async (read) => {
      const point = checkpointOf(read, points);
      if (!point) {
        scanner.status.textContent = checkpointOf(read, checkpoints.values()) ? t('patrol.not_a_clock_point') : t('patrol.scan_unknown_clock');
        return;
      }
      /** @type {Record<string, unknown>} */
      const args = { event_id: crypto.randomUUID(), payload: read.method === 'nfc' && point.nfc_uid ? point.nfc_uid : read.text, method: read.method };
      if (read.reason) args.manual_reason = read.reason;
      await perform(ctx, `attendance.clock_${kind}`, args, { quiet: true });
      ctx.toast(t(kind === 'in' ? 'patrol.clocked_in_at' : 'patrol.clocked_out_at', { name: point.name }));
      ctx.navigate('/patrol');
    },
  });
  mount(outlet,
    pageHead(kind === 'in' ? t('patrol.clock_in') : t('patrol.clock_out'), { back: { href: '#/patrol', label: t('patrol.home') } }),
    h('p', null, clockWords(state, t, clockTime)),
    h('p', { class: 'muted' }, points.length ? t('patrol.clock_points', { names: points.map((p) => p.name).join(', ') }) : t('patrol.no_clock_points')),
    scanner.el);
}
