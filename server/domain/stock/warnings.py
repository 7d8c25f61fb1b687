"""What a scan warns about before stock moves: a lot past its expiry, a recalled lot, and a
lot expiring within `EXPIRY_WARNING_DAYS`. A warning never stops the movement (the part
may already be in the technician's hand); the field app shows it at the scan, from the
copy `make pwa-rules` writes into pwa/src/shared/rules.js."""

from __future__ import annotations

EXPIRY_WARNING_DAYS = 30
