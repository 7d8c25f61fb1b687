"""The demo hospital in Simplified Chinese (`rounds demo load --locale zh-CN`).

The hospital is built in English as always (same rows, same codes: T0001, tags, room
codes), then its names are translated here: sites, buildings, floors, departments,
rooms, teams, routes, checkpoints, assets (whose names are "category, place, room"),
people and fault texts. A piece with no translation keeps its English, never a blank.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from server.db.demo.rows import DemoRows

# fmt: off
WORDS: dict[str, str] = {
    # Campuses, buildings and areas
    "East Campus": "东院区", "West Campus": "西院区", "Main Tower": "门诊住院综合楼",
    "Outpatients": "门诊部", "Surgical Block": "外科大楼", "Cancer Centre": "肿瘤中心",
    "Rehabilitation Centre": "康复中心", "East Energy Centre": "东区能源中心",
    "West Energy Centre": "西区能源中心", "Women & Children": "妇儿中心",
    "Diagnostics & Imaging": "医技影像楼", "Emergency & Acute Care": "急诊急救楼",
    "Estates & Facilities": "后勤保障楼", "Pathology & Pharmacy": "检验药学楼",
    "Link Bridge": "连廊", "Courtyard": "庭院", "Loading Bay": "装卸区",
    # Floors
    "Basement": "地下室", "Ground Floor": "一层", "Level": "层",
    # Departments
    "Intensive Care Unit": "重症医学科", "Radiology": "放射科", "Cardiology": "心内科",
    "Emergency Department": "急诊科", "General Medicine": "普通内科", "Pharmacy": "药学部",
    "Theatres": "手术室", "Dermatology": "皮肤科", "Ear": "耳", "Nose & Throat": "鼻喉科",
    "Elderly Care": "老年医学科", "Gastroenterology": "消化内科", "General Surgery": "普通外科",
    "Haematology": "血液科", "Maternity": "产科", "Mental Health": "精神心理科",
    "Neonatal Intensive Care": "新生儿重症监护室", "Neurology": "神经内科", "Oncology": "肿瘤科",
    "Ophthalmology": "眼科", "Orthopaedics": "骨科", "Paediatrics": "儿科",
    "Physiotherapy": "康复理疗科", "Renal Medicine": "肾内科",
    "Respiratory Medicine": "呼吸内科", "Urology": "泌尿外科", "Catering": "营养膳食科",
    "Sterile Services": "消毒供应中心", "Laboratory": "检验科",
    # Wards, units and rooms
    "Critical Care Unit": "重症监护单元", "Imaging Suite": "影像检查区",
    "Outpatient Clinic": "门诊诊区", "Dialysis Unit": "血透中心", "Labour Ward": "产房",
    "Theatre Suite": "手术部", "Therapy Unit": "治疗中心", "Emergency Department GA": "急诊科",
    "Neonatal Unit": "新生儿病房", "Renal Unit": "肾病病房", "Eye Clinic": "眼科门诊",
    "Sterile Services Unit": "消毒供应室", "Pathology Laboratory": "病理实验室",
    "Bay": "床区", "Bed Space": "床位", "Cot Bay": "婴儿床区", "Cubicle": "隔间",
    "Treatment Bay": "处置区", "Treatment Room": "治疗室", "Consulting Room": "诊室",
    "X-ray Room": "X 光室", "Theatre": "手术间", "Delivery Room": "分娩室",
    "Dialysis Station": "透析位", "Clean Utility": "清洁间", "Dirty Utility": "污物间",
    "Sluice": "污洗间", "Assisted Bathroom": "无障碍浴室", "Changing Room": "更衣室",
    "Cleaners' Cupboard": "保洁工具间", "Day Room": "活动室", "Nurses' Station": "护士站",
    "Office": "办公室", "Ward Office": "病区办公室", "Staff Room": "值班室",
    "Seminar Room": "示教室", "Reception": "服务台", "Dispensary": "发药室",
    "Processing Room": "处理间", "Store Room": "库房", "Equipment Store": "设备库",
    "General Store": "综合库房", "Estates Store": "后勤库房", "Comms Room": "弱电间",
    "Main Entrance": "主入口", "Staff Entrance": "员工通道", "Lift Lobby": "电梯厅",
    "Stair Core": "楼梯间", "Service Corridor": "后勤通道", "Ground Floor Corridor": "一层走廊",
    "Level 1 Corridor": "二层走廊", "Level 2 Corridor": "三层走廊", "Level 3 Corridor": "四层走廊",
    "Level 4 Corridor": "五层走廊", "Level 5 Corridor": "六层走廊", "Level 6 Corridor": "七层走廊",
    # Plant rooms
    "Plant Room": "设备机房", "Plant Cupboard": "设备间", "Air Handling Plant Room": "空调机房",
    "Boiler House": "锅炉房", "Calorifier Room": "换热站", "Chiller Plant Room": "冷冻机房",
    "Generator Hall": "发电机房", "HV Switch Room": "高压配电室", "LV Switch Room": "低压配电室",
    "Lift Motor Room": "电梯机房", "Medical Gas Manifold Room": "医用气体汇流排间",
    "Oil Tank Room": "油罐间", "Pump Room": "水泵房", "Sprinkler Valve Room": "喷淋阀室",
    "UPS Room": "UPS 室", "Vacuum Plant Room": "负压吸引机房", "Water Tank Room": "水箱间",
    # Teams and contractors
    "Biomedical Engineering": "医学工程", "Building Fabric": "土建维修", "Electrical": "电工班",
    "Fire Safety": "消防", "HVAC": "暖通空调", "Lifts": "电梯", "Medical Gas": "医用气体",
    "Plumbing": "给排水",
    "Apex Lift & Escalator Services": "顶峰电梯扶梯服务有限公司",
    "Brightway Healthcare Cleaning": "明途医院保洁有限公司",
    "Sentinel Security Services": "哨兵安保服务有限公司",
    # Asset categories
    "Access control reader": "门禁读卡器", "Air handling unit": "组合式空调机组",
    "Autoclave": "高压灭菌器", "Boiler": "锅炉", "Booster pump set": "增压泵组",
    "CCTV camera": "监控摄像机", "Calorifier": "容积式换热器", "Chiller": "冷水机组",
    "Defibrillator": "除颤仪", "Distribution board": "配电箱", "ECG machine": "心电图机",
    "Emergency light": "应急照明灯",
    "Fan coil unit": "风机盘管",
    "Fire alarm panel": "火灾报警控制器",
    "Fire door": "防火门", "Fire extinguisher": "灭火器", "Floor scrubber": "洗地机",
    "Hospital bed": "病床", "Infusion pump": "输液泵", "Lift": "电梯",
    "Medical gas manifold": "医用气体汇流排", "Medical gas outlet": "医用气体终端",
    "Patient monitor": "监护仪", "Standby generator": "备用发电机", "Suction unit": "吸引器",
    "Syringe driver": "注射泵", "Thermostatic mixing valve": "恒温混水阀", "UPS": "不间断电源",
    "Ventilator": "呼吸机",
    # Patrol
    "East Campus Night Patrol": "东院区夜间巡逻", "East Campus Plant Room Patrol": "东院区机房巡查",
    "East Campus Security Lodge": "东院区保安亭", "West Campus Perimeter Patrol": "西院区周界巡逻",
    "West Campus Security Lodge": "西院区保安亭",
    "West Campus Washroom Inspection Round": "西院区卫生间巡检",
    "clock point": "打卡点",
    # Stores
    "Main Stores": "中心库房", "West Stores": "西区库房", "Van": "维修车",
}

FAULTS: dict[str, str] = {
    "Audible leak at the outlet": "终端处有明显漏气声", "Badge not recognised": "无法识别工牌",
    "Camera dome misted inside": "摄像机球罩内起雾", "Charging LED off": "充电指示灯不亮",
    "Collection jar cracked": "收集瓶破裂", "Door release stuck open": "门锁释放卡在打开状态",
    "Failed monthly flick test": "月度通断测试未通过", "Fan failure alarm": "风机故障报警",
    "Filter differential pressure high": "过滤器压差过高", "Flame failure lockout": "熄火保护锁定",
    "Flow very low": "流量很低",
    "Frost coil alarm": "防冻盘管报警",
    "Handset unresponsive": "手柄无反应",
    "High pressure trip on circuit 2": "2 号回路高压跳闸",
    "Hold-open magnet failed": "闭门器磁吸失效",
    "Hot spot found on thermal scan": "红外测温发现过热点",
    "Intumescent strip missing": "防火膨胀条缺失",
    "Low pressure on the upper floors": "高楼层水压偏低", "Low water pressure": "水压低",
    "NIBP cuff will not inflate": "无创血压袖带不充气",
    "No picture at the control room": "监控室无图像",
    "O2 cell calibration fails": "氧电池校准失败",
    "On bypass after a battery alarm": "电池报警后转为旁路运行",
    "Outlet temperature above 44 C": "出水温度高于 44 ℃",
    "Plunger clamp not detected": "未检测到推杆夹",
    "Pressure gauge in the red": "压力表指针在红区", "Pressure relief valve weeping": "安全阀渗漏",
    "Probe will not release": "探头无法取下", "RCD tripping repeatedly": "漏电保护器反复跳闸",
    "Rate display blank": "速率显示空白", "Rattling noise from the fan": "风机有异响",
    "Room too warm": "房间过热", "SpO2 reading drops out": "血氧读数时有时无",
    "Stored water below 60 C": "储水温度低于 60 ℃", "Supply fan tripped": "送风机跳闸",
    "Tamper seal broken": "防拆封条破损",
    "Battery fault alarm":
        "电池故障报警",
    "Battery not charging":
        "电池不充电",
    "Bed will not lower":
        "病床无法降低",
    "Car not levelling":
        "轿厢平层不准",
    "Changeover alarm on the reserve bank":
        "备用气源切换报警",
    "Chilled water flow alarm":
        "冷冻水流量报警",
    "Cot side latch broken":
        "床栏锁扣损坏",
    "Cycle aborts in drying phase":
        "干燥阶段程序中止",
    "Daily self-test failed":
        "每日自检未通过",
    "Door does not self-close":
        "门不能自动关闭",
    "Door seal leaking steam":
        "门封漏蒸汽",
    "Door will not latch":
        "门扣不上",
    "Doors reopening repeatedly":
        "电梯门反复重开",
    "Earth fault indicated":
        "显示接地故障",
    "Expiratory valve alarm":
        "呼气阀报警",
    "Failed weekly start test":
        "每周启动测试未通过",
    "Fault on loop 2":
        "2 号回路故障",
    "Lead II trace noisy":
        "II 导联波形干扰大",
    "Lift stuck between floors":
        "电梯困在两层之间",
    "Low coolant level":
        "冷却液液位低",
    "No vacuum at the unit":
        "吸引器无负压",
    "Occlusion alarm with no kink in the line":
        "管路无打折但报阻塞",
    "Pads connector damaged":
        "电极片接口损坏",
    "Printer jams":
        "打印机卡纸",
    "Pump 2 tripped":
        "2 号泵跳闸",
    "Regulator creeping":
        "减压阀压力漂移",
    "Screen flickering":
        "屏幕闪烁",
    "Squeegee leaving streaks":
        "刮水条留下水痕",
    "Fire door does not close: the closer arm is broken. Wedged shut for now.":
        "防火门关不上：闭门器臂断了，暂时用楔子顶住。",
}
# fmt: on

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉鹏飞宇婷晨欣怡浩然子涵"
WARD_NAMES = "康宁 仁爱 博爱 安和 济世 春晖 长青 瑞康 惠民 同心 和煦 松柏 晨曦 明德 德馨 怀仁"
PEOPLE: dict[str, str] = {
    "Margaret Ellis": "艾丽华",
    "Priya Sharma": "夏碧雅",
    "Robert Kane": "柯伯乐",
    "David Okafor": "吴大卫",
    "Helen Marsh": "马海伦",
    "Tom Fletcher": "付汤姆",
    "Aisha Rahman": "饶爱霞",
    "Liam Gallagher": "高连明",
    "Grace Chen": "陈恩慈",
    "Dr Sophie Walsh": "王素菲医生",
    "James Morrison": "莫杰明",
    "Samuel Reid": "任三木",
    "Ana Pereira": "裴安娜",
    "Claire Bennett": "白克莱",
    "Mohammed Khan": "康默德",
    "Neil Barker": "巴尼尔",
    "Paul Harrington": "何保罗",
    "Kwame Asante": "安夸梅",
}
_NUMBERED = re.compile(r"^(?P<stem>.+?) (?P<n>\d+[A-Z]?|[A-Z]?\d*\.\d+|[A-Z]{1,2}|[A-Z]\d+)$")
_PLANNED = "Planned preventive maintenance: "
_INSPECTION = re.compile(r"^(\d+)-monthly statutory inspection$")


def _pick(text: str, choices: str | list[str]) -> str:
    """A stable choice for `text`: the same English name always gets the same Chinese one."""
    digest = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    return choices[digest % len(choices)]


def person(name: str) -> str:
    if name in PEOPLE:
        return PEOPLE[name]
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    return (
        SURNAMES[digest % len(SURNAMES)]
        + GIVEN[(digest >> 8) % len(GIVEN)]
        + (GIVEN[(digest >> 16) % len(GIVEN)] if digest % 3 else "")
    )


def _floor(text: str) -> str | None:
    match = re.match(r"^Level (\d+)$", text)
    return f"{int(match.group(1)) + 1} 层" if match else None


def piece(text: str) -> str:
    """One piece of a name: a known word, a numbered room ("Bay 3"), a ward named after
    someone ("Nightingale Ward"), or, failing those, the English."""
    if text in WORDS:
        return WORDS[text]
    if (floor := _floor(text)) is not None:
        return floor
    if text.endswith(" (clock point)"):
        return f"{piece(text.removesuffix(' (clock point)'))}（{WORDS['clock point']}）"
    if text.endswith(" Ward"):
        return f"{_pick(text, WARD_NAMES.split())}病区"
    match = _NUMBERED.match(text)
    if match and match.group("stem") in WORDS:
        return f"{WORDS[match.group('stem')]} {match.group('n')}"
    return text


def place(name: str) -> str:
    """A composed name such as "Autoclave, Nightingale Ward, Bay 5"."""
    return "，".join(piece(part) for part in name.split(", "))


def fault(text: str) -> str:
    if text in FAULTS:
        return FAULTS[text]
    if text.startswith(_PLANNED):
        category = text.removeprefix(_PLANNED)
        known = {k.lower(): v for k, v in WORDS.items()}
        return f"计划性预防维护：{known.get(category.lower(), category)}"
    if match := _INSPECTION.match(text):
        return f"每 {match.group(1)} 个月法定检验"
    return text


_COLUMNS: dict[str, dict[str, Callable[[str], str]]] = {
    "site": {"name": place},
    "building": {"name": place},
    "floor": {"name": place},
    "department": {"name": place},
    "location": {"name": place},
    "team": {"name": place},
    "contractor": {"name": place},
    "route": {"name": place},
    "checkpoint": {"name": place},
    "asset": {"name": place},
    "store": {"name": place},
    "app_user": {"name": person},
    "work_order": {"description": fault},
    "work_order_event": {"detail": fault},
}


def localise(rows: DemoRows) -> None:
    """Translate the built hospital's names in place; codes and ids are left alone."""
    for table, table_rows in rows.by_table.items():
        columns = _COLUMNS.get(table.name)
        if not columns:
            continue
        for row in table_rows:
            for column, translate in columns.items():
                value = row.get(column)
                if isinstance(value, str) and value:
                    row[column] = translate(value)
