"""What the demo hospital's assets are: categories, makes and models, who maintains them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from server.db.demo.names import (
    BIOMEDICAL,
    BUILDING_FABRIC,
    CLEANING_CONTRACTOR,
    ELECTRICAL,
    FIRE_SAFETY,
    HVAC,
    LIFT_CONTRACTOR,
    LIFTS,
    MEDICAL_GAS,
    PLUMBING,
    SECURITY_CONTRACTOR,
)


class Placement(StrEnum):
    """The kind of place an asset of a category is installed in."""

    CLINICAL = "clinical"  # rooms where patients are: bays, bed spaces, theatres
    ROOM = "room"  # any room of a ward or suite, the utility rooms too
    PLANT = "plant"
    CIRCULATION = "circulation"  # corridors and public areas
    LIFT_LOBBY = "lift_lobby"
    STORE = "store"


@dataclass(frozen=True)
class MakeModel:
    manufacturer: str
    model: str
    serial_prefix: str


@dataclass(frozen=True)
class Equipment:
    category: str
    placement: Placement
    trade: str  # the team that maintains it, by trade
    weight: int  # relative frequency in the register
    inspection_months: int
    makes_text: str  # "manufacturer/model/serial prefix; ..."
    faults_text: str  # "fault; ..."
    contractor_code: str | None = None

    @cached_property
    def makes(self) -> tuple[MakeModel, ...]:
        return tuple(MakeModel(*entry.strip().split("/")) for entry in self.makes_text.split(";"))

    @cached_property
    def faults(self) -> tuple[str, ...]:
        return tuple(fault.strip() for fault in self.faults_text.split(";"))


CLINICAL = Placement.CLINICAL
ROOM = Placement.ROOM
PLANT = Placement.PLANT
CIRCULATION = Placement.CIRCULATION

# One row per category reads as a table; the formatter would put every argument on its line.
# fmt: off
EQUIPMENT: tuple[Equipment, ...] = (
    Equipment(
        "Infusion pump", CLINICAL, BIOMEDICAL, 30, 12,
        "BD/Alaris GP Plus/GP; B. Braun/Infusomat Space/BB; Fresenius Kabi/Agilia VP/FK",
        "Occlusion alarm with no kink in the line; Door will not latch; Battery fault alarm",
    ),
    Equipment(
        "Syringe driver", CLINICAL, BIOMEDICAL, 12, 12,
        "BD/Alaris CC/CC; B. Braun/Perfusor Space/PS",
        "Plunger clamp not detected; Rate display blank",
    ),
    Equipment(
        "Patient monitor", CLINICAL, BIOMEDICAL, 25, 12,
        "Philips/IntelliVue MX450/DE; GE Healthcare/Carescape B450/SK; Mindray/BeneVision N12/MR",
        "SpO2 reading drops out; Screen flickering; NIBP cuff will not inflate",
    ),
    Equipment(
        "Ventilator", CLINICAL, BIOMEDICAL, 4, 6,
        "Drager/Evita V500/ASB; Hamilton Medical/Hamilton-C6/HC; GE Healthcare/Carescape R860/CR",
        "O2 cell calibration fails; Expiratory valve alarm",
    ),
    Equipment(
        "Defibrillator", CLINICAL, BIOMEDICAL, 5, 6,
        "Philips/HeartStart XL+/US; ZOLL/R Series/AF; Stryker/LIFEPAK 20e/LP",
        "Daily self-test failed; Pads connector damaged",
    ),
    Equipment(
        "ECG machine", CLINICAL, BIOMEDICAL, 3, 12,
        "GE Healthcare/MAC 2000/MA; Philips/PageWriter TC50/PW",
        "Printer jams; Lead II trace noisy",
    ),
    Equipment(
        "Hospital bed", CLINICAL, BIOMEDICAL, 28, 12,
        "Arjo/Enterprise 9000/EN; Baxter/Centrella Smart+/CT; Linet/Eleganza 4/LE",
        "Bed will not lower; Cot side latch broken; Handset unresponsive",
    ),
    Equipment(
        "Suction unit", CLINICAL, MEDICAL_GAS, 10, 12,
        "Ohio Medical/Intermittent Suction Unit/OH; Amcaremed/AVS-200/AM",
        "No vacuum at the unit; Collection jar cracked",
    ),
    Equipment(
        "Medical gas outlet", CLINICAL, MEDICAL_GAS, 40, 12,
        "BeaconMedaes/Oxygen terminal unit/BM; Amcaremed/Medical air terminal unit/AM",
        "Probe will not release; Audible leak at the outlet",
    ),
    Equipment(
        "Autoclave", ROOM, BIOMEDICAL, 2, 3,
        "Getinge/HS66/GT; STERIS/AMSCO 400/ST; Belimed/MST-V/BL",
        "Cycle aborts in drying phase; Door seal leaking steam",
    ),
    Equipment(
        "Thermostatic mixing valve", ROOM, PLUMBING, 14, 6,
        "Rada/Rada 215/RA; Horne/Optitherm/HO; Armitage Shanks/Markwik 21+/AS",
        "Outlet temperature above 44 C; Flow very low",
    ),
    Equipment(
        "Fan coil unit", ROOM, HVAC, 10, 12,
        "Daikin/FWE-CF/DK; Carrier/42N/CA",
        "Room too warm; Rattling noise from the fan",
    ),
    Equipment(
        "Fire door", CIRCULATION, FIRE_SAFETY, 20, 6,
        "Leaderflush Shapland/FD60S/LS; Jeld-Wen/FD30S/JW",
        "Door does not self-close; Intumescent strip missing; Hold-open magnet failed",
    ),
    Equipment(
        "Fire extinguisher", CIRCULATION, FIRE_SAFETY, 15, 12,
        "Chubb/CO2 5 kg/CH; Gloria/Foam 6 L/GL",
        "Pressure gauge in the red; Tamper seal broken",
    ),
    Equipment(
        "Emergency light", CIRCULATION, ELECTRICAL, 14, 12,
        "Eaton/Coopers Xeon/EA; Thorn/Voyager Sprint/TH",
        "Failed monthly flick test; Charging LED off",
    ),
    Equipment(
        "Lift", Placement.LIFT_LOBBY, LIFTS, 2, 6,
        "KONE/MonoSpace 700/KN; Otis/Gen2/OT; Schindler/5500/SC",
        "Lift stuck between floors; Doors reopening repeatedly; Car not levelling",
        LIFT_CONTRACTOR,
    ),
    Equipment(
        "CCTV camera", CIRCULATION, ELECTRICAL, 6, 12,
        "Axis/P3265-LVE/AX; Hanwha/XNV-8080R/HW",
        "No picture at the control room; Camera dome misted inside",
        SECURITY_CONTRACTOR,
    ),
    Equipment(
        "Access control reader", CIRCULATION, ELECTRICAL, 5, 12,
        "Paxton/Net2 proximity reader/PX; HID/iCLASS SE R40/HI",
        "Badge not recognised; Door release stuck open",
        SECURITY_CONTRACTOR,
    ),
    Equipment(
        "Air handling unit", PLANT, HVAC, 4, 3,
        "Trox/TKM 50 HE/TX; Swegon/GOLD RX 40/SW; Systemair/Geniox 24/SY",
        "Filter differential pressure high; Supply fan tripped; Frost coil alarm",
    ),
    Equipment(
        "Chiller", PLANT, HVAC, 1, 3,
        "Carrier/AquaForce 30XA/CA; Trane/Sintesis RTAF/TR; York/YVAA/YK",
        "High pressure trip on circuit 2; Chilled water flow alarm",
    ),
    Equipment(
        "Boiler", PLANT, HVAC, 1, 6,
        "Viessmann/Vitocrossal 200/VI; Hoval/UltraGas 250/HV",
        "Flame failure lockout; Low water pressure",
    ),
    Equipment(
        "UPS", PLANT, ELECTRICAL, 2, 6,
        "Eaton/93PM 100 kW/EA; Vertiv/Liebert EXL S1/VT; APC/Symmetra PX/AP",
        "On bypass after a battery alarm; Fan failure alarm",
    ),
    Equipment(
        "Standby generator", PLANT, ELECTRICAL, 1, 1,
        "Cummins/C1100 D5/CU; Caterpillar/3512/CT",
        "Failed weekly start test; Low coolant level",
    ),
    Equipment(
        "Distribution board", PLANT, ELECTRICAL, 6, 12,
        "Schneider Electric/Acti9 Isobar P/SE; Hager/Invicta 3/HG",
        "RCD tripping repeatedly; Hot spot found on thermal scan",
    ),
    Equipment(
        "Calorifier", PLANT, PLUMBING, 1, 6,
        "Andrews/MAXXflo EVO/AN; Lochinvar/Shield SNR/LV",
        "Stored water below 60 C; Pressure relief valve weeping",
    ),
    Equipment(
        "Booster pump set", PLANT, PLUMBING, 1, 6,
        "Grundfos/Hydro MPC-E/GF; Wilo/SiBoost Smart/WI",
        "Low pressure on the upper floors; Pump 2 tripped",
    ),
    Equipment(
        "Medical gas manifold", PLANT, MEDICAL_GAS, 1, 3,
        "BeaconMedaes/Oxygen manifold/BM; Atlas Copco/GA 11 VSD+/AC",
        "Changeover alarm on the reserve bank; Regulator creeping",
    ),
    Equipment(
        "Fire alarm panel", PLANT, FIRE_SAFETY, 1, 3,
        "Gent/Vigilon Compact/GN; Advanced/MxPro 5/AD",
        "Fault on loop 2; Earth fault indicated",
    ),
    Equipment(
        "Floor scrubber", Placement.STORE, BUILDING_FABRIC, 1, 12,
        "Karcher/B 50 W/KA; Nilfisk/SC500/NF",
        "Squeegee leaving streaks; Battery not charging",
        CLEANING_CONTRACTOR,
    ),
)
# fmt: on
