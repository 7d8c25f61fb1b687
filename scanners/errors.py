"""What can go wrong reading a scan, and what is worth a warning: stable codes a phone acts on.

A `ScanError` stops the reading (the scan is not what it claims to be); a warning rides on a
good reading (`ScanResult.warnings`). docs/scanning.md lists every code, and a test keeps the
two in step.

>>> error = ScanError("check_digit", "GTIN 09506000134353: check digit 3, expected 2", ai="01")
>>> error.code, error.details
('check_digit', {'ai': '01'})
>>> str(error)
'GTIN 09506000134353: check digit 3, expected 2'
"""

from __future__ import annotations

from typing import Final

SCAN_ERROR_CODES: Final = (
    "empty",
    "check_digit",
    "invalid_date",
    "unknown_ai",
    "field_too_long",
    "truncated",
    "invalid_character",
    "invalid_value",
    "duplicate_ai",
    "invalid_digital_link",
    "hibc_check_character",
    "hibc_link_character",
    "invalid_hibc",
    "invalid_envelope",
    "unsupported_format",
    "invalid_data_identifier",
)

SCAN_WARNING_CODES: Final = (
    # Pairing rules of the GS1 General Specifications (4.13, mandatory associations and
    # invalid pairs): the label is readable but was made against the rules.
    "gtin_with_content",
    "count_with_gtin",
    "content_without_count",
    "count_without_content",
    "serial_with_content",
    "attribute_without_gtin",
    "expired",
    "unknown_symbology_id",
)


class ScanError(ValueError):
    """A scan that claims a standard but breaks it; `code` is one of SCAN_ERROR_CODES."""

    def __init__(self, code: str, message: str, **details: str) -> None:
        if code not in SCAN_ERROR_CODES:
            raise ValueError(f"unknown scan error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
