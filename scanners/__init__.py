"""Pure, typed interpretation of scans and making of labels: no web, no database.

`parse_scan` reads what a camera, a scanner or a keyboard sent: Rounds asset tags, GTINs,
GS1 element strings and Digital Link URIs, HIBC, ISO/IEC 15434 envelopes (docs/scanning.md).
"""

from scanners.errors import SCAN_ERROR_CODES, SCAN_WARNING_CODES, ScanError
from scanners.parse import parse_scan
from scanners.result import ScanResult

__all__ = ["SCAN_ERROR_CODES", "SCAN_WARNING_CODES", "ScanError", "ScanResult", "parse_scan"]
