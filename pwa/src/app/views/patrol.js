// The guard's home: clocked in or not (and the button to change it), the round in progress,
// today's expected rounds of their routes (next due first, with status and window), and
// their routes to start a round outside the schedule. All from the phone's replica.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import RULES from '../../shared/rules.js';
import { clockState, clockWords, roundsInProgress, todaysRounds } from '../patrol-logic.js';
import { empty, pageHead } from './common.js';
import { clockTime, expectedBadge, patrolRows, startRound } from './patrol-common.js';

/** @param {import('../router.js').ViewContext} ctx */
export default async function patrolHome(ctx) {
  const { client, user, outlet } = ctx;
  async function render() {
    const [{ routes }, expected, rounds, clocks] = await Promise.all([
      patrolRows(client), client.list('expected_round'), client.list('patrol_round'), client.list('clock_event'),
    ]);
    if (!ctx.alive()) return;
    const now = Date.now();
    const clock = clockState(clocks, user?.id);
    const active = roundsInProgress(rounds, user?.id);
    const today = todaysRounds(expected, now);
    const writer = user?.roles?.some((/** @type {string} */ r) => RULES.patrol.tag_writers.includes(r));

    const clockCard = h('section', { class: ['card', 'clock-card', clock.in ? 'clocked-in' : ''], 'aria-labelledby': 'p-clock' },
      h('h2', { id: 'p-clock' }, t('patrol.clock')),
      h('p', { class: 'clock-state' }, clockWords(clock, t, clockTime)),
      h('a', { class: ['button', clock.in ? '' : 'primary'], href: '#/patrol/clock' }, clock.in ? t('patrol.clock_out') : t('patrol.clock_in')));

    const activeCards = active.map((round) => h('section', { class: ['card', 'round-active'] },
      h('h2', null, t('patrol.in_progress')),
      h('p', null, routes.get(round.route_id)?.name ?? '', ' · ', t('patrol.started_at', { time: clockTime(round.started_at) })),
      h('a', { class: ['button', 'primary'], href: `#/patrol/rounds/${round.id}` }, t('patrol.continue'))));

    const todayList = today.length
      ? h('ol', { class: 'list expected-rounds' }, today.map((e) => {
        const route = routes.get(e.route_id);
        const mine = e.round_id && rounds.some((/** @type {any} */ r) => r.id === e.round_id);
        return h('li', { class: ['card', `expected-${e.status}`] },
          h('p', null, h('strong', null, route?.name ?? t('patrol.unknown_route')), ' ', expectedBadge(e.status)),
          h('p', { class: 'muted' }, t('patrol.window', { from: clockTime(e.window_start), to: clockTime(e.window_end) })),
          e.status === 'scheduled' && !active.length && route
            ? h('button', { type: 'button', class: 'primary', onclick: () => startRound(ctx, e.route_id, e.id) }, t('patrol.start'))
            : mine ? h('a', { class: 'button', href: `#/patrol/rounds/${e.round_id}` }, t('patrol.open_round')) : null);
      }))
      : empty(t('patrol.none_today'));

    const routeList = h('ul', { class: 'list routes' }, [...routes.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))).map((route) =>
      h('li', { class: 'card' },
        h('p', null, h('strong', null, route.name), ' ', h('span', { class: 'muted' }, t('patrol.stops', { n: route.stops?.length ?? 0 }))),
        active.length ? null : h('button', { type: 'button', onclick: () => startRound(ctx, route.id, null) }, t('patrol.start_unscheduled')))));

    mount(outlet,
      pageHead(t('patrol.title')),
      clockCard,
      ...activeCards,
      h('section', { 'aria-labelledby': 'p-today' }, h('h2', { id: 'p-today' }, t('patrol.today')), todayList),
      h('a', { class: 'button', href: active[0] ? `#/patrol/incident?round=${active[0].id}` : '#/patrol/incident' }, t('patrol.report_incident')),
      h('details', { class: 'card' }, h('summary', null, t('patrol.routes')), routeList),
      writer ? h('a', { class: 'button', href: '#/patrol/tags' }, t('patrol.tags.title')) : null);
  }
  ctx.onChange(['expected_round', 'patrol_round', 'clock_event', 'route'], render);
  await render();
}
