"""The demo hospital's fixed vocabulary: campuses, buildings, departments, teams, contractors.

Lists are ordered so that a smaller size, which takes a prefix, still gets a coherent
hospital (both campuses, ICU and Radiology among the first departments).
"""

from __future__ import annotations

from dataclasses import dataclass


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    address: str


@dataclass(frozen=True)
class BuildingSpec:
    site_code: str
    code: str
    name: str
    lowest_level: int
    highest_level: int
    # Space-separated codes of the departments whose wards it houses; "" for plant only.
    departments: str

    @property
    def department_codes(self) -> tuple[str, ...]:
        return tuple(self.departments.split())


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    trade: str


@dataclass(frozen=True)
class ContractorSpec:
    code: str
    name: str
    service: str


EAST = "EAST"
WEST = "WEST"

SITES: tuple[SiteSpec, ...] = (
    SiteSpec(EAST, "East Campus", "1 Infirmary Road"),
    SiteSpec(WEST, "West Campus", "240 Westfield Avenue"),
)

# Alternating campuses, so every prefix of two or more has a building on each.
BUILDINGS: tuple[BuildingSpec, ...] = (
    BuildingSpec(EAST, "MT", "Main Tower", -1, 6, "GMED ICU CARD RESP ELDC NEUR"),
    BuildingSpec(WEST, "OP", "Outpatients", 0, 3, "OPD RAD OPHT ENT DERM"),
    BuildingSpec(EAST, "SB", "Surgical Block", -1, 4, "THEA GSUR ORTH UROL ICU"),
    BuildingSpec(WEST, "DI", "Diagnostics & Imaging", -1, 2, "RAD PATH CARD"),
    BuildingSpec(EAST, "WC", "Women & Children", 0, 5, "MAT PAED NICU"),
    BuildingSpec(WEST, "CC", "Cancer Centre", 0, 4, "ONC HAEM PHAR"),
    BuildingSpec(EAST, "ED", "Emergency & Acute Care", -1, 2, "EMER ICU GMED"),
    BuildingSpec(WEST, "EN", "West Energy Centre", -1, 1, ""),
    BuildingSpec(EAST, "EN", "East Energy Centre", -1, 1, ""),
    BuildingSpec(WEST, "RH", "Rehabilitation Centre", 0, 2, "PHYS ELDC NEUR"),
    BuildingSpec(EAST, "PP", "Pathology & Pharmacy", -1, 3, "PATH PHAR STER"),
    BuildingSpec(WEST, "RU", "Renal Unit", 0, 2, "RENA GAST"),
    # Only the large size goes beyond this point.
    BuildingSpec(EAST, "NW", "North Wing", -1, 5, "GMED GAST RESP ELDC"),
    BuildingSpec(WEST, "MH", "Mental Health Unit", 0, 3, "MHLT"),
    BuildingSpec(EAST, "SW", "South Wing", 0, 5, "ORTH GSUR UROL"),
    BuildingSpec(WEST, "DS", "Day Surgery Centre", 0, 2, "THEA OPHT ENT"),
    BuildingSpec(EAST, "HC", "Heart Centre", -1, 4, "CARD ICU"),
    BuildingSpec(WEST, "ER", "Education & Research", 0, 4, "PATH ONC"),
    BuildingSpec(EAST, "SS", "Sterile Services & Laundry", -1, 1, "STER ESTA"),
    BuildingSpec(WEST, "HS", "Hospice", 0, 2, "ONC ELDC"),
)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("ICU", "Intensive Care Unit"),
    DepartmentSpec("EMER", "Emergency Department"),
    DepartmentSpec("RAD", "Radiology"),
    DepartmentSpec("CARD", "Cardiology"),
    DepartmentSpec("THEA", "Theatres"),
    DepartmentSpec("GMED", "General Medicine"),
    DepartmentSpec("OPD", "Outpatients"),
    DepartmentSpec("PHAR", "Pharmacy"),
    DepartmentSpec("ONC", "Oncology"),
    DepartmentSpec("PAED", "Paediatrics"),
    DepartmentSpec("MAT", "Maternity"),
    DepartmentSpec("ORTH", "Orthopaedics"),
    DepartmentSpec("PATH", "Pathology Laboratory"),
    DepartmentSpec("NEUR", "Neurology"),
    DepartmentSpec("RESP", "Respiratory Medicine"),
    DepartmentSpec("GAST", "Gastroenterology"),
    DepartmentSpec("RENA", "Renal Medicine"),
    DepartmentSpec("GSUR", "General Surgery"),
    DepartmentSpec("ELDC", "Elderly Care"),
    DepartmentSpec("NICU", "Neonatal Intensive Care"),
    DepartmentSpec("OPHT", "Ophthalmology"),
    DepartmentSpec("ENT", "Ear, Nose & Throat"),
    DepartmentSpec("DERM", "Dermatology"),
    DepartmentSpec("HAEM", "Haematology"),
    DepartmentSpec("UROL", "Urology"),
    DepartmentSpec("PHYS", "Physiotherapy"),
    DepartmentSpec("STER", "Sterile Services"),
    DepartmentSpec("MHLT", "Mental Health"),
    DepartmentSpec("ESTA", "Estates & Facilities"),
    DepartmentSpec("CATR", "Catering"),
)

ELECTRICAL = "electrical"
PLUMBING = "plumbing"
HVAC = "hvac"
LIFTS = "lifts"
MEDICAL_GAS = "medical_gas"
BIOMEDICAL = "biomedical"
BUILDING_FABRIC = "building_fabric"
FIRE_SAFETY = "fire_safety"

TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("ELEC", "Electrical", ELECTRICAL),
    TeamSpec("PLUMB", "Plumbing", PLUMBING),
    TeamSpec("HVAC", "HVAC", HVAC),
    TeamSpec("LIFTS", "Lifts", LIFTS),
    TeamSpec("MGAS", "Medical Gas", MEDICAL_GAS),
    TeamSpec("BIOMED", "Biomedical Engineering", BIOMEDICAL),
    TeamSpec("FABRIC", "Building Fabric", BUILDING_FABRIC),
    TeamSpec("FIRE", "Fire Safety", FIRE_SAFETY),
)

SECURITY_CONTRACTOR = "SENTINEL"
CLEANING_CONTRACTOR = "BRIGHTWAY"
LIFT_CONTRACTOR = "APEXLIFT"

CONTRACTORS: tuple[ContractorSpec, ...] = (
    ContractorSpec(SECURITY_CONTRACTOR, "Sentinel Security Services", "security"),
    ContractorSpec(CLEANING_CONTRACTOR, "Brightway Healthcare Cleaning", "cleaning"),
    ContractorSpec(LIFT_CONTRACTOR, "Apex Lift & Escalator Services", "lifts"),
)

# Wards are named after people in medicine, as many hospitals do.
WARD_NAMES = _listed(
    "Nightingale, Seacole, Lister, Fleming, Jenner, Cavell, Harvey, Osler, Curie, Simpson, "
    "Hunter, Barnard, Garrett, Blackwell, Snow, Addison, Bright, Hodgkin, Laennec, Pasteur, "
    "Semmelweis, Apgar, Saunders, Franklin, Banting, Salk, Sabin, Cushing, Charnley, Haldane, "
    "Ross, Manson, Elliot, Stopes, Jex-Blake, Inglis, Anderson, Macewen, Bell, Moorfield, "
    "Lind, Paget, Bevan, Liston, Sydenham, Pott, Parkinson, Graves, Bowman, Radcliffe, Mayo, "
    "Virchow, Koch, Ehrlich, Willis, Sherrington, Florey, Chain, Sanger, Doll, Cochrane, "
    "Acland, Nuffield, Heatley, Hopkins, Kelsey, Lovell, Beveridge, Starling, Bayliss, Dale, "
    "Adrian, Mackenzie, Holmes, Wells, Hart, Scott, Lane, Keogh, Barlow"
)

# Rooms every ward has besides its bays and side rooms.
WARD_SUPPORT_ROOMS = _listed(
    "Nurses' Station, Treatment Room, Clean Utility, Dirty Utility, Sluice, Day Room, "
    "Staff Room, Ward Office, Equipment Store, Assisted Bathroom"
)

# Rooms of a suite besides its numbered rooms.
SUITE_SUPPORT_ROOMS = _listed(
    "Reception, Office, Store Room, Staff Room, Clean Utility, Dirty Utility, Changing Room, "
    "Seminar Room, Plant Cupboard, Cleaners' Cupboard"
)

SERVICE_PLANT_ROOMS = _listed(
    "Boiler House, Chiller Plant Room, Generator Hall, HV Switch Room, LV Switch Room, "
    "Medical Gas Manifold Room, Vacuum Plant Room, Water Tank Room, Pump Room, UPS Room, "
    "Air Handling Plant Room, Calorifier Room, Sprinkler Valve Room, Comms Room, "
    "Lift Motor Room, Oil Tank Room"
)

# Public areas of a basement or plant building.
SERVICE_AREAS = _listed(
    "Stair Core A, Stair Core B, Link Bridge, Loading Bay, Staff Entrance, Courtyard"
)

# Departments whose "ward" is a suite of numbered rooms rather than bays of beds:
# code -> (suite name, numbered room name).
SUITES: dict[str, tuple[str, str]] = {
    "ICU": ("Critical Care Unit", "Bed Space"),
    "NICU": ("Neonatal Unit", "Cot Bay"),
    "EMER": ("Emergency Department", "Cubicle"),
    "THEA": ("Theatre Suite", "Theatre"),
    "RAD": ("Imaging Suite", "X-ray Room"),
    "OPD": ("Outpatient Clinic", "Consulting Room"),
    "OPHT": ("Eye Clinic", "Consulting Room"),
    "PATH": ("Laboratory", "Laboratory"),
    "PHAR": ("Pharmacy", "Dispensary"),
    "MAT": ("Labour Ward", "Delivery Room"),
    "PHYS": ("Therapy Unit", "Treatment Bay"),
    "RENA": ("Dialysis Unit", "Dialysis Station"),
    "STER": ("Sterile Services Unit", "Processing Room"),
}
# Suites whose numbered rooms see no patients, so hold no bedside equipment.
SUITES_WITHOUT_PATIENTS = frozenset({"PATH", "PHAR", "STER"})
