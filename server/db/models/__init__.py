"""Every table, re-exported so Alembic and the app see one complete metadata."""

from server.db.models.assets import Asset, AssetStatus
from server.db.models.auth import ConsoleSession, LoginFailure, RefreshToken
from server.db.models.base import Entity, metadata, new_id
from server.db.models.history import FieldClock, FieldHistory
from server.db.models.jobs import JobLease
from server.db.models.lines import (
    Attachment,
    Callback,
    LabourLine,
    LineBilling,
    Note,
    Notification,
    PartLine,
)
from server.db.models.org import Building, Department, Floor, Location, LocationKind, Site
from server.db.models.patrol import Checkpoint, Route, RouteCheckpoint, RouteWindow
from server.db.models.people import Contractor, Device, Role, Team, User, UserRole, UserSite
from server.db.models.preventive import (
    Checklist,
    ChecklistItem,
    ChecklistItemKind,
    InspectionOutcome,
    InspectionResult,
    PmPlan,
    PmPlanOrder,
)
from server.db.models.rates import RateCard, RateCardLine
from server.db.models.stock import Bin, Item, ItemGtin, Store
from server.db.models.sync import Blob, BlobRef, Change, Conflict, OpStream, SyncOp, SyncSetting
from server.db.models.work import (
    OPEN_STATUSES,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
    WorkOrderStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "Asset",
    "AssetStatus",
    "Attachment",
    "Bin",
    "Blob",
    "BlobRef",
    "Building",
    "Callback",
    "Change",
    "Checklist",
    "ChecklistItem",
    "ChecklistItemKind",
    "Checkpoint",
    "Conflict",
    "ConsoleSession",
    "Contractor",
    "Department",
    "Device",
    "Entity",
    "FieldClock",
    "FieldHistory",
    "Floor",
    "InspectionOutcome",
    "InspectionResult",
    "Item",
    "ItemGtin",
    "JobLease",
    "LabourLine",
    "LineBilling",
    "Location",
    "LocationKind",
    "LoginFailure",
    "Note",
    "Notification",
    "OpStream",
    "PartLine",
    "PmPlan",
    "PmPlanOrder",
    "RateCard",
    "RateCardLine",
    "RefreshToken",
    "Role",
    "Route",
    "RouteCheckpoint",
    "RouteWindow",
    "Site",
    "Store",
    "SyncOp",
    "SyncSetting",
    "Team",
    "User",
    "UserRole",
    "UserSite",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderKind",
    "WorkOrderStatus",
    "metadata",
    "new_id",
]
