// A signed-in database and api against a FakeServer, as session.signIn leaves them.
import { createApi } from '../../../pwa/src/sync/api.js';
import { adopt, tokenStore } from '../../../pwa/src/sync/session.js';
import { DEVICE, freshDb } from './db.js';

export async function signedIn(server, options = {}) {
  const db = await freshDb({ name: 'rounds:T100', ...options });
  const response = await server.fetch('http://fake/api/v1/auth/login', {
    method: 'POST',
    body: JSON.stringify({ employee_no: 'T100', password: 'pw', device_id: DEVICE }),
  });
  await adopt(db, await response.json());
  const api = createApi({ tokens: tokenStore(db), fetch: server.fetch, baseUrl: 'http://fake', locks: null });
  return { db, api };
}
