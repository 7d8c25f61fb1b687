"""The JSON API under /api/v1: thin controllers, parse -> service -> wire type."""

from litestar import Router

from server.api.assets import AssetController
from server.api.auth import AuthController
from server.api.blobs import BlobController
from server.api.conflicts import ConflictController
from server.api.notifications import NotificationController
from server.api.patrol import PatrolController
from server.api.patrol_verification import PatrolVerificationController
from server.api.people import PeopleController
from server.api.preventive import PmPlanController
from server.api.ratings import RatingController
from server.api.reference import ReferenceController
from server.api.reports import ReportController
from server.api.scans import ScanController
from server.api.settlement import SettlementController
from server.api.stock import StockController
from server.api.sync import SyncController
from server.api.work import WorkOrderController
from server.web.security import BEARER_ONLY


def api_router() -> Router:
    return Router(
        path="/api/v1",
        opt=BEARER_ONLY,
        route_handlers=[
            AuthController,
            ReferenceController,
            AssetController,
            PeopleController,
            StockController,
            PatrolController,
            PatrolVerificationController,
            WorkOrderController,
            SyncController,
            BlobController,
            ConflictController,
            PmPlanController,
            NotificationController,
            ReportController,
            ScanController,
            RatingController,
            SettlementController,
        ],
    )
