// Who may send which op, and who counts as the desk: the server's op catalogue and its desk
// roles, as generated into rules.js. Pure: runs anywhere.
import RULES from './rules.js';

/** @typedef {{roles?: string[]} | null | undefined} UserLike */

/**
 * Whether the server lets this user send the op (its `forbidden` otherwise).
 * @param {UserLike} user
 * @param {string} name e.g. work_order.start
 * @param {number} [v]
 */
export function maySend(user, name, v = 1) {
  const op = /** @type {Record<string, {roles: string[]}>} */ (RULES.ops)[`${name}@${v}`];
  return Boolean(op && user?.roles?.some((role) => op.roles.includes(role)));
}

/** The desk's roles: they may act on any order, assigned to them or not. */
export function isDesk(/** @type {UserLike} */ user) {
  return Boolean(user?.roles?.some((role) => RULES.desk_roles.includes(role)));
}
