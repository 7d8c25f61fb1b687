"""Console strings of the cleaning board: (English, Simplified Chinese)."""

from __future__ import annotations

# fmt: off
CLEANING_CATALOGUE: dict[str, tuple[str, str]] = {
    "nav.cleaning": ("Cleaning", "保洁"),
    "cleaning.board": ("Cleaning board", "保洁看板"),
    "cleaning.board_intro": (
        "Open spills and terminal cleans with the time left, routine cleans overdue, "
        "and the latest audits; refreshed every 30 seconds.",
        "待处理的溢出物和终末消毒及剩余时间、超时的日常保洁和最新审核；每 30 秒刷新。",
    ),
    "cleaning.spills": ("Spills", "溢出物"),
    "cleaning.terminal": ("Terminal cleans", "终末消毒"),
    "cleaning.overdue_routine": ("Routine cleans overdue", "超时的日常保洁"),
    "cleaning.audits": ("Latest audits", "最新审核"),
    "cleaning.room": ("Room", "房间"),
    "cleaning.site": ("Site", "院区"),
    "cleaning.contractor": ("Contractor", "外包单位"),
    "cleaning.status": ("Status", "状态"),
    "cleaning.due": ("Deadline", "截止时间"),
    "cleaning.time_left": ("Time left", "剩余时间"),
    "cleaning.actions": ("Actions", "操作"),
    "cleaning.left": ("{n} min left", "剩余 {n} 分钟"),
    "cleaning.overdue": ("{n} min overdue", "超时 {n} 分钟"),
    "cleaning.none": ("None open.", "暂无。"),
    "cleaning.no_audits": ("No audits yet.", "暂无审核。"),
    "cleaning.cancel": ("Cancel task", "取消任务"),
    "cleaning.cancel_reason": ("Why", "原因"),
    "cleaning.when": ("When", "时间"),
    "cleaning.audit_kind": ("By", "审核方"),
    "cleaning.score": ("Score", "得分"),
    "cleaning.reclean": ("Re-clean", "重新保洁"),
    "cleaning.reclean_asked": ("Asked", "已要求"),
    "cleaning.audit.supervisor": ("Supervisor", "主管"),
    "cleaning.audit.infection_control": ("Infection control", "院感"),
    "cleaning.status.open": ("To do", "待办"),
    "cleaning.status.in_progress": ("In progress", "进行中"),
    "cleaning.reason.discharge": ("discharge", "出院"),
    "cleaning.reason.isolation": ("end of isolation", "隔离结束"),
    "cleaning.reason.spill": ("spill", "溢出物"),
    "cleaning.reason.reclean": ("re-clean after audit", "审核后重新保洁"),
}
# fmt: on
