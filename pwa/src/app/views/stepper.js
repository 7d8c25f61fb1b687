// Where a request stands in the repair loop: reported > dispatched > accepted > in progress
// > completed > confirmed > closed. Compact (a bar and the current step in words) on the
// list; on the order, every step labelled, top to bottom (seven labels side by side do not
// fit a 360 px phone), with the time each was reached. A list either way, so a screen
// reader reads it.
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';

export const STEPS = ['reported', 'dispatched', 'accepted', 'in_progress', 'completed', 'confirmed', 'closed'];
const INDEX = /** @type {Record<string, number>} */ ({
  reported: 0, dispatched: 1, accepted_by_team: 2, accepted: 2, in_progress: 3, on_hold: 3,
  completed: 4, confirmed: 5, closed: 6,
});

/**
 * @param {string} status
 * @param {{compact?: boolean, times?: Record<string, string | null | undefined>}} [options]
 *   times: when each step was reached (shown beside the done steps of the full stepper)
 */
export function stepper(status, { compact = false, times = {} } = {}) {
  const at = INDEX[status] ?? 0;
  const nowLabel = status === 'on_hold' ? t('status.on_hold') : t(`step.${STEPS[at]}`);
  return h('div', { class: ['stepper', compact ? 'compact' : 'full'] },
    h('p', { class: 'stepper-now' }, t('step.now', { n: at + 1, total: STEPS.length, label: nowLabel })),
    h('ol', { 'aria-label': t('step.label') },
      STEPS.map((step, i) => {
        const state = i < at ? 'done' : i === at ? 'current' : 'todo';
        const when = !compact && i <= at ? formatDateTime(times[step]) : '';
        const final = i === at && i === STEPS.length - 1; // closed: the loop is done
        return h('li', { class: [state, final ? 'final' : '', i === at && status === 'on_hold' ? 'held' : ''], 'aria-current': i === at ? 'step' : null },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h('span', { class: compact ? 'sr-only' : 'step-label' },
            t(`step.${step}`),
            i === at && status === 'on_hold' ? ` (${t('status.on_hold')})` : ''),
          when && h('span', { class: 'step-when' }, when),
          h('span', { class: 'sr-only' }, ` (${t(`step.state_${state}`)})`));
      })));
}

/** When an order reached each step, from its own timestamps. */
export function stepTimes(/** @type {any} */ order) {
  return {
    reported: order.reported_at,
    dispatched: order.dispatched_at,
    accepted: null,
    in_progress: order.arrived_at,
    completed: order.completed_at,
    confirmed: order.confirmed_at,
    closed: order.closed_at,
  };
}
