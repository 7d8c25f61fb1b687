"""The words and numbers of cleaning that the phone shares with the server (generated into
pwa/src/shared/rules.js): checklists per kind of task, products, deadlines, ATP threshold."""

from __future__ import annotations

from server.db.models import CleaningKind

# What a cleaner ticks before finishing, per kind of task (docs/cleaning.md).
CHECKLISTS: dict[CleaningKind, tuple[str, ...]] = {
    CleaningKind.SPILL: ("contained", "absorbed", "disinfected", "area_dry", "sign_removed"),
    CleaningKind.TERMINAL: (
        "curtains_changed",
        "high_touch",
        "bed_mattress",
        "equipment",
        "bathroom",
        "floor",
        "waste_linen",
    ),
    CleaningKind.ROUTINE: ("high_touch", "bathroom", "floor", "waste"),
}

# Disinfectants on the contract (the phone offers them; any other name is kept as typed).
PRODUCTS: tuple[str, ...] = ("chlorine_nadcc", "hydrogen_peroxide", "detergent", "alcohol_70")

# Minutes from the request to the deadline, by why the clean was asked for.
TERMINAL_MINUTES: dict[str, int] = {"discharge": 120, "isolation": 90}
SPILL_MINUTES = 30
RECLEAN_MINUTES = 60
TERMINAL_REASONS: tuple[str, ...] = tuple(TERMINAL_MINUTES)

# An ATP swab passes at or under this many relative light units (a common hospital cut-off).
ATP_PASS_RLU = 250
AUDIT_METHODS: tuple[str, ...] = ("marker", "atp", "visual")

# Kinds in the order a cleaner's list shows them: the most urgent first.
URGENCY: tuple[CleaningKind, ...] = (
    CleaningKind.SPILL,
    CleaningKind.TERMINAL,
    CleaningKind.ROUTINE,
)
