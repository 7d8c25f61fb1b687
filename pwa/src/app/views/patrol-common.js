// What the guard's screens share: the rows of the replica they read, times as the guard
// reads them, and starting a round.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { byId } from './common.js';

/** @param {string | null | undefined} iso */
export function clockTime(iso) {
  const at = Date.parse(iso ?? '');
  if (Number.isNaN(at)) return '';
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** The rows of the patrol types, by id. */
export async function patrolRows(/** @type {any} */ client) {
  const [routes, checkpoints] = await Promise.all([byId(client, 'route'), byId(client, 'checkpoint')]);
  return { routes, checkpoints };
}

export function expectedBadge(/** @type {string} */ status) {
  return h('span', { class: ['badge', `patrol-${status}`] }, t(`patrol.expected.${status}`));
}

/**
 * Start a round of the route (for the expected round, when there is one) and open it.
 * @param {any} ctx
 * @param {string} routeId
 * @param {string | null} expectedId
 */
export async function startRound(ctx, routeId, expectedId) {
  const { perform } = await import('./common.js');
  const roundId = crypto.randomUUID();
  /** @type {Record<string, unknown>} */
  const args = { round_id: roundId, route_id: routeId };
  if (expectedId) args.expected_round_id = expectedId;
  await perform(ctx, 'patrol.start_round', args);
  ctx.navigate(`/patrol/rounds/${roundId}`);
}
