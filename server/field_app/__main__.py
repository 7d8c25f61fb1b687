"""`python -m server.field_app [precache|rules|gs1-ais|icons] [--check]`: regenerate app files.

`precache` (the default, `make pwa`) rewrites `pwa/src/sw/precache.js` from the files under
`pwa/`, and the version line of `pwa/sw-module.js`; with `--check` it only says whether the
committed files are current (exit 1 if not).
`rules` (`make pwa-rules`, and the first step of `make pwa`) rewrites
`pwa/src/shared/rules.js` from the server's state machine, service levels and op catalogue;
`--check` works the same. `gs1-ais` (also `make pwa-rules`) rewrites `pwa/src/scan/gs1-ais.js`,
the GS1 rules `scanners.parse_scan` reads by, for the phone's own parser. `icons` redraws
`pwa/icons/*.png` (`make pwa-icons` rebuilds the
list after it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from server.field_app import gs1_ais, rules
from server.field_app.icons import write_icons
from server.field_app.precache import PWA_DIR, stale, write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.field_app", description=__doc__)
    parser.add_argument(
        "what", nargs="?", choices=["precache", "rules", "gs1-ais", "icons"], default="precache"
    )
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--pwa-dir", type=Path, default=PWA_DIR)
    args = parser.parse_args(argv)
    if args.what == "icons":
        for path in write_icons(args.pwa_dir / "icons"):
            print(f"wrote {path}")
        return 0
    if args.what == "rules":
        return _rules(args.pwa_dir, check=args.check)
    if args.what == "gs1-ais":
        return _gs1_ais(args.pwa_dir, check=args.check)
    if args.check:
        outdated = stale(args.pwa_dir)
        names = ", ".join(str(path) for path in outdated)
        print(f"{names} stale: run `make pwa`" if outdated else "the generated files are current")
        return 1 if outdated else 0
    target, precache = write(args.pwa_dir)
    print(f"wrote {target}: {len(precache.files)} files, version {precache.version}")
    return 0


def _rules(pwa_dir: Path, *, check: bool) -> int:
    if check:
        committed = pwa_dir / rules.OUTPUT
        current = committed.is_file() and committed.read_text() == rules.render(rules.rules())
        print(f"{rules.OUTPUT} is {'current' if current else 'stale: run `make pwa-rules`'}")
        return 0 if current else 1
    print(f"wrote {rules.write(pwa_dir)}")
    return 0


def _gs1_ais(pwa_dir: Path, *, check: bool) -> int:
    if check:
        committed = pwa_dir / gs1_ais.OUTPUT
        current = committed.is_file() and committed.read_text() == gs1_ais.render()
        print(f"{gs1_ais.OUTPUT} is {'current' if current else 'stale: run `make pwa-rules`'}")
        return 0 if current else 1
    print(f"wrote {gs1_ais.write(pwa_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
