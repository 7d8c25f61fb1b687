"""The demo hospital: two campuses of buildings, wards, assets, stores, patrols and staff.

`load_demo` fills an empty database on first start (`make run` loads the `hospital`
size, the test suite `small`, benchmarks `large`); `DEMO_LOGINS` lists who can sign in
with `DEMO_PASSWORD`.
"""

from server.db.demo.loader import DemoSummary, build_demo_rows, demo_present, load_demo
from server.db.demo.people import DEMO_LOGINS, DEMO_PASSWORD, DemoLogin
from server.db.demo.sizes import DemoSize

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSize",
    "DemoSummary",
    "build_demo_rows",
    "demo_present",
    "load_demo",
]
