"""Which provider measures which service's contracts (`Contract.service`).

A service may have several providers (lifts are measured on maintenance and, once the
ratings work is merged, on satisfaction); their measures are merged, codes being unique
across providers by their prefix. Adding a service is one line here.
"""

from __future__ import annotations

from server.domain.scorecards.maintenance import maintenance_measures
from server.domain.scorecards.measures import Provider
from server.domain.scorecards.security import security_measures

PROVIDERS: dict[str, tuple[Provider, ...]] = {
    "security": (security_measures,),
    "lifts": (maintenance_measures,),
    "maintenance": (maintenance_measures,),
    # At merge: (cleaning_measures, satisfaction_measures) from server.domain.cleaning.
    # indicators and server.domain.ratings.indicators; until then "not measured".
    "cleaning": (),
}


def providers_for(service: str) -> tuple[Provider, ...]:
    return PROVIDERS.get(service, ())
