"""The demo stores catalogue: spare parts a hospital estates team keeps, and their GTINs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class PartFamily:
    code_prefix: str
    name: str
    unit: str
    min_cost_cents: int
    max_cost_cents: int
    variants_text: str  # "variant; ..."
    brands_text: str  # "brand; ..."

    @cached_property
    def variants(self) -> tuple[str, ...]:
        return tuple(variant.strip() for variant in self.variants_text.split(";"))

    @cached_property
    def brands(self) -> tuple[str, ...]:
        return tuple(brand.strip() for brand in self.brands_text.split(";"))


# One row per family reads as a table; the formatter would put every argument on its line.
# fmt: off
PART_FAMILIES: tuple[PartFamily, ...] = (
    PartFamily("ELF", "Fuse, HRC BS88", "each", 300, 2500,
               "2 A; 4 A; 10 A; 16 A; 20 A; 32 A; 63 A; 100 A", "Eaton Bussmann; Mersen; Lawson"),
    PartFamily("ELF", "Fuse, cartridge BS1362", "pack", 150, 600,
               "3 A; 5 A; 13 A", "Eaton Bussmann; Lawson"),
    PartFamily("ELC", "MCB, type B", "each", 450, 1800,
               "6 A; 10 A; 16 A; 20 A; 32 A; 40 A", "Hager; Schneider Electric; ABB"),
    PartFamily("ELC", "RCBO, 30 mA type A", "each", 2200, 5200,
               "6 A; 16 A; 20 A; 32 A", "Hager; ABB"),
    PartFamily("ELL", "Lamp, LED tube T8", "each", 400, 1500,
               "600 mm 9 W; 1200 mm 18 W; 1500 mm 24 W", "Philips; Osram; Sylvania"),
    PartFamily("ELL", "Lamp, LED GU10", "each", 250, 900,
               "4.5 W 3000 K; 4.5 W 4000 K; 6 W 4000 K", "Philips; Osram"),
    PartFamily("ELL", "Battery pack, emergency light NiCd", "each", 900, 3200,
               "3.6 V 1.6 Ah; 3.6 V 4 Ah; 4.8 V 4 Ah", "Eaton; Thorn"),
    PartFamily("ELB", "Battery, alkaline", "pack", 300, 1400,
               "AA; AAA; C; D; 9 V", "Duracell; Energizer; Panasonic"),
    PartFamily("ELB", "Battery, sealed lead acid", "each", 1500, 38000,
               "12 V 7 Ah; 12 V 12 Ah; 12 V 18 Ah; 12 V 100 Ah", "Yuasa; CSB"),
    PartFamily("ELW", "Cable, twin and earth", "m", 60, 450,
               "1.5 mm2; 2.5 mm2; 6 mm2", "Prysmian; Doncaster Cables"),
    PartFamily("HVF", "Filter, panel G4", "each", 600, 1800,
               "592x592x48; 592x287x48; 490x592x48", "Camfil; AAF; Freudenberg"),
    PartFamily("HVF", "Filter, bag F7", "each", 1800, 5200,
               "592x592x600; 592x287x600; 592x490x600", "Camfil; AAF; Freudenberg"),
    PartFamily("HVF", "Filter, HEPA H14", "each", 18000, 52000,
               "610x610x292; 610x305x292", "Camfil; AAF"),
    PartFamily("HVB", "Fan belt, wedge", "each", 700, 3500,
               "SPZ 1000; SPZ 1250; SPA 1400; SPA 1800; SPB 2000", "Gates; Fenner; Optibelt"),
    PartFamily("HVR", "Refrigerant cylinder", "each", 9000, 32000,
               "R32 9 kg; R410A 10 kg; R134a 12 kg", "Chemours; Daikin"),
    PartFamily("HVA", "Damper actuator", "each", 9000, 26000,
               "5 Nm; 10 Nm; 20 Nm", "Belimo; Siemens"),
    PartFamily("HVS", "Duct temperature sensor", "each", 2500, 7000,
               "NTC10k; PT1000", "Siemens; Sontay; Honeywell"),
    PartFamily("PLV", "Valve, lever ball", "each", 500, 6800,
               "15 mm; 22 mm; 28 mm; 35 mm; 54 mm", "Pegler; Conex Banninger; Yorkshire"),
    PartFamily("PLV", "Valve, isolating", "each", 250, 900,
               "15 mm; 22 mm", "Pegler; Yorkshire"),
    PartFamily("PLV", "Cartridge, thermostatic mixing valve", "each", 4500, 12000,
               "Rada 215; Markwik 21+; Optitherm", "Rada; Armitage Shanks; Horne"),
    PartFamily("PLG", "Gasket, flange EPDM", "each", 120, 1600,
               "DN25; DN50; DN80; DN100; DN150", "Klinger; Flexitallic"),
    PartFamily("PLG", "Washer, tap fibre", "pack", 100, 400,
               "1/2 in; 3/4 in", "Fluidmaster; Oracstar"),
    PartFamily("PLF", "Elbow, copper end feed", "each", 80, 900,
               "15 mm; 22 mm; 28 mm", "Yorkshire; Conex Banninger"),
    PartFamily("PLS", "Shower head, point-of-use filter", "each", 3500, 7500,
               "31 day; 62 day", "Pall; Nephros"),
    PartFamily("MGO", "O-ring kit, gas terminal unit", "set", 900, 2800,
               "oxygen; medical air; vacuum; nitrous oxide", "BeaconMedaes; Amcaremed"),
    PartFamily("MGR", "Flowmeter, oxygen", "each", 6000, 14000,
               "0-15 L/min; 0-4 L/min", "BeaconMedaes; Precision Medical"),
    PartFamily("MGF", "Filter, vacuum bacterial", "each", 1200, 3500,
               "standard; high flow", "Amcaremed; Atlas Copco"),
    PartFamily("BMB", "Battery, infusion pump", "each", 4500, 11000,
               "Alaris GP; Infusomat Space; Agilia VP", "BD; B. Braun; Fresenius Kabi"),
    PartFamily("BMS", "SpO2 sensor, reusable", "each", 6500, 21000,
               "adult; paediatric; neonatal", "Masimo; Nellcor; Philips"),
    PartFamily("BMN", "NIBP cuff", "each", 1200, 4500,
               "adult large; adult; child; infant", "Welch Allyn; Philips; GE Healthcare"),
    PartFamily("BMP", "Paper, ECG recorder", "box", 1500, 4800,
               "MAC 2000; PageWriter TC50", "GE Healthcare; Philips"),
    PartFamily("BMC", "Castor, bed 125 mm", "each", 1800, 5500,
               "braked; unbraked", "Tente; Colson"),
    PartFamily("BMH", "Handset, bed", "each", 9000, 24000,
               "Enterprise 9000; Centrella; Eleganza 4", "Arjo; Baxter; Linet"),
    PartFamily("BFH", "Door closer, overhead", "each", 4500, 16000,
               "EN 3; EN 4; EN 2-5", "dormakaba; GEZE; Briton"),
    PartFamily("BFH", "Hinge, fire door stainless", "pair", 900, 2600,
               "100 mm; 102 mm", "Eclipse; Royde & Tucker"),
    PartFamily("BFC", "Ceiling tile, 600x600", "box", 2500, 9000,
               "square edge; tegular; hygiene", "Armstrong; Rockfon"),
    PartFamily("BFP", "Paint, antibacterial emulsion", "tin", 3500, 6500,
               "white 5 L; magnolia 5 L", "Dulux Trade; Crown Trade"),
    PartFamily("BFS", "Sealant, sanitary silicone", "tube", 450, 1100,
               "white; clear", "Dow; Everbuild"),
    PartFamily("FSI", "Intumescent strip", "m", 150, 600,
               "10x4 mm; 15x4 mm; 20x4 mm", "Lorient; Pyroplex"),
    PartFamily("FSD", "Detector head", "each", 2200, 6500,
               "optical smoke; heat; multisensor", "Apollo; Hochiki"),
    PartFamily("FSC", "Call point, resettable", "each", 1400, 3200,
               "red; yellow", "KAC; Apollo"),
    PartFamily("LFT", "Lift door roller", "each", 1600, 4800,
               "landing door; car door", "KONE; Otis; Schindler"),
    PartFamily("LFT", "Lift push button", "each", 2200, 6800,
               "car operating panel; landing", "KONE; Otis; Schindler"),
)
# fmt: on

_ALL_BRANDS: tuple[str, ...] = tuple(
    sorted({brand for family in PART_FAMILIES for brand in family.brands})
)


def gs1_check_digit(body: str) -> str:
    """The GS1 check digit: weights 3 and 1 alternate from the rightmost digit of the body."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)


def item_gtins(brand: str, item_reference: int, count: int) -> list[str]:
    """Up to two GTIN-14s for one item: the unit's GTIN-13 padded, then its case of ten.

    The brand's index stands in for a GS1 company prefix so GTINs never collide.
    """
    base = f"50{_ALL_BRANDS.index(brand):05d}{item_reference:05d}"
    unit = "0" + base + gs1_check_digit("0" + base)
    case = "1" + base + gs1_check_digit("1" + base)
    return [unit, case][:count]
