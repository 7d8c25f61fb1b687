"""One exception tree with stable codes, mapped to HTTP in one place.

The API answers RFC 9457 problem details with a `code` a phone can act on; the console
answers an HTML page in the user's language. The catalogue of codes is `ERROR_CODES`,
which the docs are generated from.
"""

from __future__ import annotations

from typing import Any, ClassVar


class RoundsError(Exception):
    """A refusal the user can understand. `code` never changes meaning once published."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    @property
    def headers(self) -> dict[str, str]:
        return {}


class InvalidRequest(RoundsError):
    status = 400
    code = "invalid_request"
    title = "The request could not be read"


class InvalidInput(RoundsError):
    status = 422
    code = "invalid_input"
    title = "Invalid input"


class NotFound(RoundsError):
    status = 404
    code = "not_found"
    title = "Not found"


class Unauthenticated(RoundsError):
    status = 401
    code = "unauthenticated"
    title = "Sign-in required"


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    title = "Wrong employee number or password"


class TokenExpired(Unauthenticated):
    code = "token_expired"
    title = "Access token expired"


class RefreshRejected(Unauthenticated):
    code = "refresh_rejected"
    title = "Refresh token not accepted"


class RefreshReused(Unauthenticated):
    code = "refresh_reused"
    title = "Refresh token used twice"


class BearerRequired(Unauthenticated):
    code = "bearer_required"
    title = "The API takes a bearer token, not the console's cookie"


class Forbidden(RoundsError):
    status = 403
    code = "forbidden"
    title = "Not allowed for your role"


class InvalidTransition(RoundsError):
    status = 409
    code = "invalid_transition"
    title = "Not possible in the order's current state"


class NotAssignee(RoundsError):
    status = 403
    code = "not_assignee"
    title = "The order is assigned to someone else"


class NotRequestingDepartment(RoundsError):
    status = 403
    code = "not_requesting_department"
    title = "Only the requesting department may do this"


class InvalidConfirmation(RoundsError):
    status = 422
    code = "invalid_confirmation"
    title = "The confirmation could not be checked"


class AlreadyExists(RoundsError):
    status = 409
    code = "already_exists"
    title = "Already exists"


class AlreadyResolved(RoundsError):
    status = 409
    code = "already_resolved"
    title = "Already resolved by the desk"


class SenderInactive(RoundsError):
    """A re-submission applies as the op's sender, whose account is no longer active."""

    status = 409
    code = "sender_inactive"
    title = "The sender's account is no longer active"


class FourEyes(RoundsError):
    """A stocktake is approved by someone who did not count in it."""

    status = 403
    code = "four_eyes"
    title = "Someone who did not count must approve"


class TooManyAttempts(RoundsError):
    status = 429
    code = "too_many_attempts"
    title = "Too many failed sign-ins"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, retry_after=retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class BatchTooLarge(RoundsError):
    status = 413
    code = "batch_too_large"
    title = "Too many ops in one push"


class DeviceMismatch(RoundsError):
    status = 403
    code = "device_mismatch"
    title = "Ops pushed for another device"


class DeviceRequired(RoundsError):
    status = 400
    code = "device_required"
    title = "Sync needs a device-bound token"


class UnreadableScan(InvalidInput):
    """The scanned text breaks the standard it claims; `reason` is its scanners code."""

    code = "unreadable_scan"
    title = "The scan breaks its barcode standard"


class ScanNamesNoItem(InvalidInput):
    code = "scan_names_no_item"
    title = "The scan carries no GTIN of an item"


class InvalidSubscription(InvalidInput):
    code = "invalid_push_subscription"
    title = "Not a usable Web Push subscription"


class PushEndpointNotPublic(InvalidInput):
    code = "push_endpoint_not_public"
    title = "The push endpoint is not a public address"


class BlobHashMismatch(RoundsError):
    status = 422
    code = "hash_mismatch"
    title = "The uploaded bytes do not match their SHA-256"


class EmptyBlob(RoundsError):
    status = 422
    code = "empty_blob"
    title = "An upload needs at least one byte"


class BlobTooLarge(RoundsError):
    status = 413
    code = "blob_too_large"
    title = "The file is larger than the server accepts"


class UploadQuotaExceeded(RoundsError):
    """The day's upload quota is spent; `limit`, `used` and `resets_at` say how and until when."""

    status = 429
    code = "upload_quota_exceeded"
    title = "Today's upload quota is used up"

    def __init__(self, message: str, *, retry_after_seconds: int, **extra: object) -> None:
        super().__init__(message, **extra)
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class UnsupportedMedia(RoundsError):
    status = 422
    code = "image_rejected"
    title = "The image could not be decoded safely"


class PhotoTooLarge(RoundsError):
    status = 413
    code = "photo_too_large"
    title = "The photo is larger than the server decodes"


class InvalidLabelSheet(RoundsError):
    status = 400
    code = "invalid_label_sheet"
    title = "These labels cannot be laid out on that sheet"


class UploadOffsetMismatch(RoundsError):
    """The client resumed from another offset than the bytes the server holds (`offset`)."""

    status = 409
    code = "offset_mismatch"
    title = "Resume the upload from the offset the server holds"

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset=offset)
        self.offset = offset

    @property
    def headers(self) -> dict[str, str]:
        return {"Upload-Offset": str(self.offset)}


class UploadLengthMismatch(RoundsError):
    status = 409
    code = "length_mismatch"
    title = "Upload-Length differs from the length of the upload being resumed"


class UploadInProgress(RoundsError):
    status = 409
    code = "upload_in_progress"
    title = "Another upload of this file is still running"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class DatabaseUnavailable(RoundsError):
    status = 503
    code = "database_unavailable"
    title = "Database unavailable, try again shortly"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class BlobStoreUnavailable(RoundsError):
    """The S3 server cannot be reached or refuses the server's credentials: the phone keeps
    the file and sends it again, as for any 503."""

    status = 503
    code = "blob_store_unavailable"
    title = "File storage unavailable, try again shortly"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "10"}


class DatabaseBusy(DatabaseUnavailable):
    code = "database_busy"
    title = "Database busy, try again"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


# Codes for refusals raised by the framework itself (routing, body parsing, limits).
FRAMEWORK_CODES: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The request could not be read"),
    401: ("unauthenticated", "Sign-in required"),
    403: ("forbidden", "Not allowed"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Request body too large"),
    500: ("internal_error", "Internal error"),
}


def _all_subclasses(cls: type[RoundsError]) -> list[type[RoundsError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_all_subclasses(sub))
    return found


def error_catalogue() -> dict[str, tuple[int, str]]:
    """Every stable error code with its HTTP status and title."""
    catalogue = {code: (status, title) for status, (code, title) in FRAMEWORK_CODES.items()}
    for cls in _all_subclasses(RoundsError):
        catalogue[cls.code] = (cls.status, cls.title)
    return dict(sorted(catalogue.items()))


# Codes an op's outcome carries (push results, the device's inbox, the desk's queue) that
# never come as an HTTP error: the sync protocol's refusals and the op handlers' own. A
# handler that meets one of the errors above passes its code on instead.
OP_REFUSALS: dict[str, str] = {
    "conflict": "The order moved on meanwhile; what the op carried is kept for the desk",
    "seq_reused": "The seq was already used by another op of this phone",
    "unknown_op": "The server has no handler for this op name and version",
    "invalid_op": "The op could not be read",
    "invalid_args": "The op's args do not match its schema",
    "invalid_hlc": "A field edit without a readable hybrid logical clock stamp",
    "clock_ahead": "The phone's clock is more than a day ahead of the server's",
    "server_error": "The handler failed; the desk can re-submit the op",
    "data_conflict": "The database refused a record the op would create",
    "invalid_data": "A value of the op does not fit what the database stores",
    "unknown_work_order": "No such work order in the sender's scope",
    "unknown_asset": "No such asset in the sender's scope",
    "unknown_location": "No such location in the sender's sites",
    "no_checklist": "The work order has no checklist to record",
    "unknown_store": (
        "No such store in the sender's scope (a van: its holder and the site's storekeepers)"
    ),
    "unknown_bin": "No such bin in the store the op names",
    "unknown_item": "No such stock item in the catalogue",
    "unknown_stocktake": "No such stocktake in the sender's stores",
    "unknown_route": "No such patrol route in the sender's contractor and sites",
    "unknown_round": "No such patrol round of the sender's",
    "manual_needs_reason": "A checkpoint typed by hand needs a reason",
    "unknown_cleaning_task": "No such cleaning task among the sender's contractor's rooms",
    "unknown_room": "No such room to clean in the sender's scope",
    "wrong_room": "The room scanned is not the task's room",
    "score_out_of_range": "A satisfaction score is a whole number from 1 to 5",
    "invalid_month": "A month is named by its first day (YYYY-MM-01)",
    "month_in_future": "The month rated has not begun yet",
    "not_your_department": "Clinical staff rate for their own department only",
    "unknown_contractor": "No such contractor serves the sender's campuses",
}
