// The field app's service worker as a module (scope /app/), registered where the browser has
// Background Sync (Chrome on Android; src/app/sw-client.js): the same parts as pwa/sw.js,
// and when a Background Sync fires with no window of the app open, the worker sends the
// outbox itself with the app's own sync modules (src/sw/outbox.js). Static imports only:
// a service worker may not import() later. `make pwa` sets the version line below, which
// changes with every file this worker runs, so that Chromium sees an update (it would not
// for a change in an imported module alone).
// Worker version: 934cd9161e77ed9b
// Worker version: c3f16d82e2966479
import './src/sw/precache.js';
import './src/sw/shell.js';
import './src/sw/bridge.js';
import './src/sw/push.js';
import './src/sw/events.js';
import { syncWithoutWindow } from './src/sw/outbox.js';

self.RoundsEvents.listen({ withoutWindow: () => syncWithoutWindow() });
