"""`python -m server.field_app [precache|icons] [--check]`: regenerate the field app's files.

`precache` (the default, `make pwa`) rewrites `pwa/src/sw/precache.js` from the files under
`pwa/`, and the version line of `pwa/sw-module.js`; with `--check` it only says whether the
committed files are current (exit 1 if not).
`icons` redraws `pwa/icons/*.png` (`make pwa-icons` rebuilds the list after it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from server.field_app.icons import write_icons
from server.field_app.precache import PWA_DIR, stale, write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.field_app", description=__doc__)
    parser.add_argument("what", nargs="?", choices=["precache", "icons"], default="precache")
    parser.add_argument("--check", action="store_true", help="precache: compare, do not write")
    parser.add_argument("--pwa-dir", type=Path, default=PWA_DIR)
    args = parser.parse_args(argv)
    if args.what == "icons":
        for path in write_icons(args.pwa_dir / "icons"):
            print(f"wrote {path}")
        return 0
    if args.check:
        outdated = stale(args.pwa_dir)
        names = ", ".join(str(path) for path in outdated)
        print(f"{names} stale: run `make pwa`" if outdated else "the generated files are current")
        return 1 if outdated else 0
    target, precache = write(args.pwa_dir)
    print(f"wrote {target}: {len(precache.files)} files, version {precache.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
