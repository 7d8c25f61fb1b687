// What the cleaning screens share: the rooms by id and by location, a task's room name,
// its kind and deadline in words.
import { h } from '../dom.js';
import { formatDuration, t } from '../i18n.js';
import { byId } from './common.js';
import { clockTime } from './patrol-common.js';
import { minutesLeft } from '../cleaning-logic.js';

/** The rooms of the replica, by id, and by the location each is. */
export async function cleaningRooms(/** @type {any} */ client) {
  const [rooms, locations] = await Promise.all([byId(client, 'cleaning_room'), byId(client, 'location')]);
  const byLocation = new Map([...rooms.values()].map((room) => [room.location_id, room]));
  return { rooms, byLocation, locations };
}

/**
 * @param {any} task
 * @param {{rooms: Map<string, any>, byLocation: Map<string, any>, locations: Map<string, any>}} places
 */
export function roomName(task, { rooms, byLocation, locations }) {
  const room = rooms.get(task.room_id) ?? byLocation.get(task.location_id);
  return room?.name ?? locations.get(task.location_id)?.name ?? t('cleaning.unknown_room');
}

export function kindBadge(/** @type {string} */ kind) {
  return h('span', { class: ['badge', `cleaning-${kind}`] }, t(`cleaning.kind.${kind}`));
}

export function statusBadge(/** @type {string} */ status) {
  return h('span', { class: ['badge', `cleaning-status-${status}`] }, t(`cleaning.status.${status}`));
}

/** "Due in 40 min (14:30)", "Overdue by 10 min", or "Done 14:12, on time". */
export function deadlineWords(/** @type {any} */ task, now = Date.now()) {
  if (task.status === 'done') {
    const onTime = Date.parse(task.finished_at) <= Date.parse(task.due_at);
    return t(onTime ? 'cleaning.done_on_time' : 'cleaning.done_late', { time: clockTime(task.finished_at) });
  }
  if (task.status === 'cancelled') return t('cleaning.status.cancelled');
  const left = minutesLeft(task, now);
  return left >= 0
    ? t('cleaning.due_in', { time: formatDuration(left * 60_000), at: clockTime(task.due_at) })
    : t('cleaning.overdue', { time: formatDuration(-left * 60_000) });
}
