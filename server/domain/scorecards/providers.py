"""Which provider measures which service's contracts (`Contract.service`).

A service may have several providers (lifts are measured on maintenance and on the
departments' satisfaction); their measures are merged, codes being unique across providers
by their prefix. Adding a service is one line here.
"""

from __future__ import annotations

from server.domain.cleaning.indicators import cleaning_measures
from server.domain.ratings.indicators import satisfaction_measures
from server.domain.scorecards.maintenance import maintenance_measures
from server.domain.scorecards.measures import Provider
from server.domain.scorecards.security import security_measures

PROVIDERS: dict[str, tuple[Provider, ...]] = {
    "security": (security_measures, satisfaction_measures),
    "lifts": (maintenance_measures, satisfaction_measures),
    "maintenance": (maintenance_measures, satisfaction_measures),
    "cleaning": (cleaning_measures, satisfaction_measures),
}


def providers_for(service: str) -> tuple[Provider, ...]:
    return PROVIDERS.get(service, ())
