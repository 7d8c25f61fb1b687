#!/usr/bin/env bash
# The restore drill on the demo hospital: load, add photos, back up, change, restore.
# Usage: bench/restore_drill.sh sqlite|postgresql   (prints the time of each step)
set -euo pipefail
kind=${1:?sqlite or postgresql}
work=$(mktemp -d /tmp/rounds-drill.XXXXXX)
export ROUNDS_STATE_DIR=$work/state
if [ "$kind" = postgresql ]; then
  db=rounds_drill_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
  export ROUNDS_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/$db
else
  export ROUNDS_DATABASE_URL=sqlite+aiosqlite:///$work/rounds.db
fi
rounds=$(dirname "$0")/../.venv/bin/rounds
step() { local name=$1; shift; local t0; t0=$(date +%s.%N)
  "$@" >/dev/null; printf '%-28s %6.1f s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)"; }
step "migrate" "$rounds" db upgrade
step "load demo (hospital)" "$rounds" demo load --size hospital
# 300 photo-sized blobs (300 KiB each, 88 MiB), as the blob store lays them out.
"$(dirname "$0")"/../.venv/bin/python - "$ROUNDS_STATE_DIR/blobs" <<'PY'
import hashlib, os, sys, pathlib
root = pathlib.Path(sys.argv[1])
for _ in range(300):
    data = os.urandom(300 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    (root / sha[:2]).mkdir(parents=True, exist_ok=True)
    (root / sha[:2] / sha).write_bytes(data)
PY
step "rounds backup" "$rounds" backup "$work/backup"
du -sh "$work/backup" | awk '{print "backup size (with blobs)     " $1}'
du -sh "$work"/backup/database.* | awk '{print "  of which the database      " $1}'
step "rounds restore" "$rounds" restore "$work/backup"
if [ "$kind" = postgresql ]; then
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db WITH (FORCE)"
fi
rm -rf "$work"
