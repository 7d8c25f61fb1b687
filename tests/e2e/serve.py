"""`python -m tests.e2e.serve PORT PWA_DIR`: `rounds serve`, with the field app from PWA_DIR.

Browser tests serve a copy of `pwa/` (with a freshly built precache list) so that they can
change it, and so that files being edited meanwhile never half-update a running test.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import uvicorn

from server.app import create_app
from server.settings import load_settings


def main() -> None:
    port, pwa_dir = int(sys.argv[1]), Path(sys.argv[2])
    app = create_app(dataclasses.replace(load_settings(), pwa_dir=pwa_dir))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
