// A PouchDB client replicating a pouchdb-server database into memory: what an app built on
// PouchDB does on its first sync (changes, revision diff, bulk get, local writes,
// checkpoints). Prints {"docs", "seconds"} as JSON; bench/pouch.py runs it.
// Usage: node bench/pouch_peer.mjs <database url> <batch size>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'));

const [url, batch] = process.argv.slice(2);
const local = new PouchDB(`peer-${process.pid}`, { adapter: 'memory' });
const started = performance.now();
const result = await local.replicate.from(new PouchDB(url), { batch_size: Number(batch) });
const seconds = (performance.now() - started) / 1000;
const held = (await local.info()).doc_count;
console.log(JSON.stringify({ docs: result.docs_written, held, seconds, ok: result.ok }));
