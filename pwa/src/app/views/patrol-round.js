// The round in progress: the next checkpoint (and when it is due), stops done, late and
// still due, computed on the phone from the round's start and each stop's
// due_within_minutes; on an ordered route a warning for stops scanned out of order. Scan by
// camera, NFC where the phone has it, or typed with a reason. Ending the round and
// reporting an incident start here.
import { h, mount } from '../dom.js';
import { formatDuration, t } from '../i18n.js';
import { checkpointOf, progress } from '../patrol-logic.js';
import { checkpointScan, stateIcon } from '../components/checkpoint-scan.js';
import { pageHead, perform } from './common.js';
import { clockTime, patrolRows } from './patrol-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function patrolRound(ctx) {
  const { client, params, outlet } = ctx;
  const scanner = checkpointScan({ onScan: record, onCleanup: ctx.onCleanup });
  const body = h('div');
  mount(outlet, body);

  /** @param {import('../components/checkpoint-scan.js').CheckpointRead} read */
  async function record(read) {
    const round = await client.get('patrol_round', params.id);
    if (!round || round.status !== 'in_progress') return;
    const { routes, checkpoints } = await patrolRows(client);
    const route = routes.get(round.route_id);
    const checkpoint = checkpointOf(read, checkpoints.values());
    /** @type {Record<string, unknown>} */
    const args = { scan_id: crypto.randomUUID(), round_id: round.id, payload: read.method === 'nfc' && read.uid ? read.uid : read.text, method: read.method };
    if (read.method === 'nfc' && checkpoint && !checkpoint.nfc_uid) args.payload = read.text; // a tag carrying the QR payload
    if (read.reason) args.manual_reason = read.reason;
    await perform(ctx, 'patrol.scan_checkpoint', args, { quiet: true });
    const onRoute = checkpoint && route?.stops?.some((/** @type {any} */ s) => String(s.checkpoint_id) === checkpoint.id);
    const words = !checkpoint ? t('patrol.scan_unknown') : onRoute ? t('patrol.scan_recorded', { name: checkpoint.name }) : t('patrol.scan_not_on_route', { name: checkpoint.name });
    scanner.status.textContent = words;
    ctx.toast(words);
    await render();
  }

  async function render() {
    const [round, { routes, checkpoints }] = await Promise.all([client.get('patrol_round', params.id), patrolRows(client)]);
    if (!ctx.alive()) return;
    if (!round) {
      mount(body, pageHead(t('patrol.round')), h('p', null, t('patrol.round_missing')), h('a', { class: 'button', href: '#/patrol' }, t('patrol.home')));
      return;
    }
    const route = routes.get(round.route_id);
    const now = Date.now();
    const p = progress(route, round, checkpoints, now);
    const ended = round.status !== 'in_progress';
    const next = p.next;
    const nextCard = ended ? null : next
      ? h('section', { class: ['card', 'next-checkpoint', next.state === 'overdue' ? 'late' : ''], 'aria-labelledby': 'r-next' },
        h('h2', { id: 'r-next' }, t('patrol.next')),
        h('p', { class: 'next-name' }, h('strong', null, next.checkpoint?.name ?? next.checkpoint_id)),
        h('p', { class: 'muted' }, next.checkpoint?.code ?? ''),
        h('p', { class: 'next-due' }, next.due >= now
          ? t('patrol.due_in', { time: formatDuration(next.due - now), at: clockTime(new Date(next.due).toISOString()) })
          : t('patrol.late_by', { time: formatDuration(now - next.due) })))
      : h('section', { class: ['card', 'next-checkpoint', 'all-done'] }, h('h2', null, t('patrol.all_scanned')), h('p', null, t('patrol.end_hint')));
    const total = p.stops.length;
    const summary = h('p', { class: 'round-summary' },
      t('patrol.summary', { done: p.done + p.late, total, late: p.late + p.overdue, due: total - p.done - p.late }));
    const warning = !route?.free_order && p.outOfOrder
      ? h('p', { class: ['warning', 'out-of-order'], role: 'alert' }, t('patrol.out_of_order', { n: p.outOfOrder })) : null;
    const stops = h('ol', { class: 'list stops' }, p.stops.map((stop) => h('li', { class: ['stop', `stop-${stop.state}`] },
      stateIcon(stop.state),
      h('span', { class: 'stop-name' }, stop.checkpoint?.name ?? stop.checkpoint_id),
      h('span', { class: ['badge', `stop-state-${stop.state}`] }, t(`patrol.stop.${stop.state}`)),
      stop.outOfOrder ? h('span', { class: 'badge warning' }, t('patrol.stop.out_of_order')) : null)));
    const endButton = h('button', { type: 'button', class: p.next ? '' : 'primary', onclick: async () => {
      if (p.next && !confirm(t('patrol.end_confirm', { n: total - p.done - p.late }))) return;
      await perform(ctx, 'patrol.end_round', { round_id: round.id });
      ctx.navigate('/patrol');
    } }, t('patrol.end'));
    mount(body,
      pageHead(route?.name ?? t('patrol.round'), {
        back: { href: '#/patrol', label: t('patrol.home') },
        eyebrow: ended ? t('patrol.round_ended') : t('patrol.in_progress'),
        sub: h('p', { class: 'muted' }, t('patrol.started_at', { time: clockTime(round.started_at) }), route?.free_order ? ` · ${t('patrol.free_order')}` : ''),
      }),
      nextCard,
      summary,
      warning,
      ended ? null : scanner.el,
      h('section', { 'aria-labelledby': 'r-stops' }, h('h2', { id: 'r-stops' }, t('patrol.stops_title')), stops),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/patrol/incident?round=${round.id}` }, t('patrol.report_incident')),
        ended ? null : endButton));
  }
  ctx.onChange(['patrol_round', 'route', 'checkpoint'], render);
  const ticker = window.setInterval(() => { if (ctx.alive()) render(); }, 60_000);
  ctx.onCleanup(() => clearInterval(ticker));
  await render();
}
