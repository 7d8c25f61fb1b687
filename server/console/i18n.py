"""Console languages: English and Simplified Chinese, picked from the browser or a cookie.

Messages live in one catalogue so a missing translation is a failing test, not a blank.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection

from server.console.messages_admin import ADMIN_CATALOGUE
from server.console.messages_board import BOARD_CATALOGUE
from server.console.messages_cleaning import CLEANING_CATALOGUE
from server.console.messages_imports import IMPORT_CATALOGUE
from server.console.messages_intake import INTAKE_CATALOGUE
from server.console.messages_labels import LABEL_CATALOGUE
from server.console.messages_patrol import PATROL_CATALOGUE
from server.console.messages_ratings import RATING_CATALOGUE
from server.console.messages_reports import REPORT_CATALOGUE
from server.console.messages_settlement import SETTLEMENT_CATALOGUE
from server.console.messages_stock import STOCK_CATALOGUE
from server.console.messages_verify import VERIFY_CATALOGUE

LANG_COOKIE = "rounds_lang"
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

# One line per message: (English, Simplified Chinese).
# fmt: off
_CATALOGUE: dict[str, tuple[str, str]] = {
    # Shell and navigation
    "app.name": ("Rounds", "Rounds 后勤运维"),
    "nav.skip": ("Skip to content", "跳到正文"),
    "nav.label": ("Main", "主导航"),
    "nav.home": ("Home", "首页"),
    "nav.assets": ("Assets", "设备台账"),
    "nav.people": ("People", "人员"),
    "nav.conflicts": ("Conflicts", "同步冲突"),
    "nav.field_app": ("Field app", "移动端"),
    "nav.logout": ("Sign out", "退出"),
    "nav.language": ("中文", "English"),
    # Sign-in
    "login.title": ("Sign in", "登录"),
    "login.employee_no": ("Employee number", "工号"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.failed": ("Wrong employee number or password.", "工号或密码错误。"),
    # Errors, by stable error code
    "error.title": ("Something is not right", "出错了"),
    "error.back": ("Back to the home page", "返回首页"),
    "error.not_found": ("There is nothing here, or it is outside what you may see.",
                        "页面不存在，或不在您的查看范围内。"),
    "error.forbidden": ("Your role may not open this page.", "您的角色无权访问此页面。"),
    "error.unauthenticated": ("Please sign in first.", "请先登录。"),
    "error.invalid_request": ("The request could not be read.", "请求内容有误，无法处理。"),
    "error.invalid_input": ("Some of what was sent is not valid.", "提交的内容有误。"),
    "error.method_not_allowed": ("This action is not available here.", "此处不支持该操作。"),
    "error.already_resolved": ("This has already been resolved.", "该事项已处理，不能重复处理。"),
    "error.too_many_attempts": ("Too many failed sign-ins. Try again later.",
                                "登录失败次数过多，请稍后再试。"),
    "error.database_unavailable": ("The database is not reachable right now. Nothing was changed.",
                                   "数据库暂时无法连接，未做任何更改。"),
    "error.internal_error": ("Something went wrong on the server. It has been logged.",
                             "服务器出现错误，已记录，请稍后再试。"),
    # Home
    "home.title": ("Home", "首页"),
    "home.greeting": ("Hello, {name}", "{name}，您好"),
    "home.overview": ("At a glance", "运行概况"),
    "home.open_work_orders": ("Open work orders", "未完成工单"),
    "home.assets_in_scope": ("Assets in your scope", "管辖范围内设备"),
    "home.overdue_inspections": ("Overdue inspections", "逾期未巡检设备"),
    "home.open_register": ("Asset register", "查看设备台账"),
    "home.open_people": ("People", "查看人员"),
    "home.team_orders": ("Open work orders · {team}", "{team} · 未完成工单"),
    "home.open_total": ("{n} open in all", "共 {n} 张未完成工单"),
    "home.no_open_orders": ("No open work orders.", "暂无未完成工单。"),
    "home.department_requests": ("Requests from {department}", "{department} · 报修记录"),
    "home.requests_total": ("{n} requests in all", "共 {n} 张报修单"),
    "home.no_requests": ("Your department has made no requests yet.", "本科室暂无报修记录。"),
    "home.department_assets": ("Your department's equipment", "本科室设备"),
    "home.stock": ("Stores", "库房"),
    "home.catalogue_items": ("Items in the catalogue", "备件品类"),
    "home.stores": ("Stores", "库房数量"),
    "home.reorder_pending": ("Items below their reorder point will be listed here once the "
                             "stock ledger is live.",
                             "库存台账上线后，此处将列出低于补货点的备件。"),
    "home.open_field_app": ("Open the field app", "打开移动端"),
    "home.routes": ("Routes", "巡查路线"),
    "home.company": ("Your company", "本单位"),
    "home.company_people": ("People", "人员"),
    "home.maintained_assets": ("Assets you maintain", "维保设备"),
    "home.conflicts": ("Sync conflicts", "同步冲突"),
    "home.open_conflicts": ("Open conflicts and rejected actions", "待处理的冲突与被拒操作"),
    "home.open_queue": ("Conflict queue", "处理冲突"),
    "route.stops": ("{n} checkpoints", "{n} 个点位"),
    "route.windows": ("starts", "开始时段"),
    "route.none": ("No routes assigned.", "暂无分配的路线。"),
    # Work orders
    "wo.priority": ("priority {n}", "优先级 {n}"),
    "wo.reported_at": ("Reported {date}", "报修时间 {date}"),
    "wo_status.reported": ("Reported", "已报修"),
    "wo_status.dispatched": ("Dispatched", "已派单"),
    "wo_status.accepted_by_team": ("Accepted by team", "班组已接单"),
    "wo_status.accepted": ("Accepted", "已接单"),
    "wo_status.in_progress": ("In progress", "维修中"),
    "wo_status.on_hold": ("On hold", "暂停"),
    "wo_status.completed": ("Completed", "已完工"),
    "wo_status.confirmed": ("Confirmed", "已验收"),
    "wo_status.closed": ("Closed", "已关闭"),
    "wo_status.cancelled": ("Cancelled", "已取消"),
    "wo_kind.corrective": ("Repair", "故障维修"),
    "wo_kind.preventive": ("Planned maintenance", "预防性维护"),
    "wo_kind.inspection": ("Inspection", "巡检"),
    # Roles
    "role.requester": ("Requester", "科室报修人"),
    "role.desk": ("Service desk", "调度员"),
    "role.team_lead": ("Team lead", "班组长"),
    "role.technician": ("Technician", "维修技师"),
    "role.storekeeper": ("Storekeeper", "库管员"),
    "role.guard": ("Security guard", "保安"),
    "role.cleaner": ("Cleaner", "保洁员"),
    "role.supervisor": ("Supervisor", "后勤主管"),
    "role.contractor_manager": ("Contractor manager", "外包单位负责人"),
    "role.admin": ("Administrator", "系统管理员"),
    # Asset register and detail
    "assets.title": ("Asset register", "设备台账"),
    "assets.search_hint": ("Name, tag, serial or model", "名称、标签码、序列号或型号"),
    "assets.none": ("No assets match.", "没有符合条件的设备。"),
    "assets.count": ("{n} assets", "共 {n} 台设备"),
    "assets.back": ("← Asset register", "← 返回设备台账"),
    "asset.name": ("Name", "名称"),
    "asset.tag": ("Tag", "标签码"),
    "asset.category": ("Category", "类别"),
    "asset.site": ("Campus", "院区"),
    "asset.team": ("Team", "维修班组"),
    "asset.next_inspection": ("Next inspection", "下次巡检"),
    "asset.status": ("Status", "状态"),
    "asset.location": ("Location", "位置"),
    "asset.department": ("Department", "使用科室"),
    "asset.contractor": ("Contractor", "维保单位"),
    "asset.make_model": ("Make and model", "品牌型号"),
    "asset.serial": ("Serial number", "出厂编号"),
    "asset.warranty_end": ("Warranty ends", "保修截止"),
    "asset.overdue": ("overdue", "已逾期"),
    "asset.open_work_orders": ("Open work orders", "未完成工单"),
    "asset.label": ("QR label", "二维码标签"),
    "asset.print_label": ("Label for printing", "下载打印标签"),
    "asset.public_card": ("Public card", "公开信息页"),
    "asset.recent_work_orders": ("Recent work orders", "近期工单"),
    "asset.no_work_orders": ("No work orders that you can see.", "暂无您可查看的工单。"),
    "asset_status.in_service": ("In service", "在用"),
    "asset_status.out_of_service": ("Out of service", "停用"),
    "asset_status.retired": ("Retired", "已报废"),
    # Filters and paging
    "filter.search": ("Search", "搜索"),
    "filter.site": ("Campus", "院区"),
    "filter.building": ("Building", "楼栋"),
    "filter.category": ("Category", "类别"),
    "filter.team": ("Team", "班组"),
    "filter.role": ("Role", "角色"),
    "filter.all_sites": ("All campuses", "全部院区"),
    "filter.all_buildings": ("All buildings", "全部楼栋"),
    "filter.all_categories": ("All categories", "全部类别"),
    "filter.all_teams": ("All teams", "全部班组"),
    "filter.all_roles": ("All roles", "全部角色"),
    "filter.apply": ("Apply", "筛选"),
    "pager.label": ("Pages", "分页"),
    "pager.showing": ("{first}–{last} of {total}", "第 {first}–{last} 条，共 {total} 条"),
    "pager.previous": ("← Previous", "← 上一页"),
    "pager.next": ("Next →", "下一页 →"),
    # People
    "people.title": ("People", "人员"),
    "people.search_hint": ("Name or employee number", "姓名或工号"),
    "people.none": ("No people match.", "没有符合条件的人员。"),
    "people.count": ("{n} people", "共 {n} 人"),
    "person.employee_no": ("Employee no.", "工号"),
    "person.name": ("Name", "姓名"),
    "person.roles": ("Roles", "角色"),
    "person.team": ("Team", "班组"),
    "person.contractor": ("Company", "外包单位"),
    "person.department": ("Department", "科室"),
    "person.active": ("Active", "在岗"),
    "person.yes": ("Yes", "是"),
    "person.no": ("No", "否"),
    # Conflict queue
    "conflicts.title": ("Conflicts and rejected actions", "同步冲突与被拒操作"),
    "conflicts.intro": ("Actions from the field app that the server could not apply as sent. "
                        "Nothing recorded on the phone is lost: decide what happens to each.",
                        "移动端提交但服务器无法按原样执行的操作。手机上记录的内容不会丢失，请逐条处理。"),
    "conflicts.filter_status": ("Show", "显示"),
    "conflicts.status_open": ("Open", "待处理"),
    "conflicts.status_resolved": ("Resolved", "已处理"),
    "conflicts.filter_kind": ("Kind", "类型"),
    "conflicts.kind_all": ("All kinds", "全部类型"),
    "conflicts.kind_conflict": ("Conflict", "冲突"),
    "conflicts.kind_rejected": ("Rejected", "被拒"),
    "conflicts.count": ("{n} items", "共 {n} 条"),
    "conflicts.none": ("Nothing here.", "暂无记录。"),
    "conflicts.op": ("Action", "操作"),
    "conflicts.kind": ("Kind", "类型"),
    "conflicts.sender": ("Sent by", "提交人"),
    "conflicts.device": ("Device", "设备"),
    "conflicts.received": ("Received", "接收时间"),
    "conflicts.message": ("Why", "原因"),
    "conflicts.resolution": ("Decision", "处理结果"),
    "conflicts.resolution_keep_server": ("Kept the server's version", "保留服务器版本"),
    "conflicts.resolution_accept": ("Accepted and charged", "已确认计费"),
    "conflicts.resolution_resubmit": ("Re-submitted the action", "已重新提交"),
    "conflicts.resolution_merge": ("Edited and re-submitted", "已修改后重新提交"),
    "conflicts.resolution_superseded": ("Part of another item", "已并入其他事项"),
    "conflicts.attempt_applied": ("Applied", "已执行"),
    "conflicts.unreadable": ("Unreadable action", "无法识别的操作"),
    "conflicts.back": ("← Conflicts", "← 返回冲突列表"),
    "conflicts.client_time": ("Time on the phone", "手机记录时间"),
    "conflicts.seq": ("Sequence no.", "序号"),
    "conflicts.chain": ("Hash chain", "哈希链"),
    "conflicts.chain_ok": ("Intact", "完整"),
    "conflicts.chain_broken": ("Broken: an earlier action is missing or altered",
                               "断开：之前的操作缺失或被修改"),
    "conflicts.entity": ("Concerns", "涉及对象"),
    "conflicts.decision": ("Decision", "处理"),
    "conflicts.last_attempt": ("Last re-submission", "最近一次重新提交"),
    "conflicts.resolved_by": ("Resolved by", "处理人"),
    "conflicts.resubmitted_by": ("Re-submitted by", "重新提交人"),
    "conflicts.acted_as": ("Applied as", "执行身份"),
    "conflicts.acted_from": ("From the device", "来自设备"),
    "conflicts.acted_at": ("Time recorded", "记录时间"),
    "conflicts.resolved_at": ("Resolved at", "处理时间"),
    "conflicts.note": ("Note", "备注"),
    "conflicts.args": ("The action's arguments (JSON)", "操作参数（JSON）"),
    "conflicts.args_hint": ("Only \"Edit and re-submit\" uses the arguments as edited here.",
                            "只有“修改后重新提交”会使用此处修改的参数。"),
    "conflicts.keep_server": ("Keep the server's version", "保留服务器版本"),
    "conflicts.accept": ("Accept and charge the department", "确认并计入科室费用"),
    "conflicts.lines": ("Labour and parts kept", "保留的工时与材料"),
    "conflicts.line_labour": ("Labour, {n} min", "工时 {n} 分钟"),
    "conflicts.line_part": ("Parts, {n} ×", "材料 {n} 件"),
    "conflicts.resubmit": ("Re-submit the technician's action", "重新提交技师的操作"),
    "conflicts.merge": ("Edit and re-submit", "修改后重新提交"),
    "conflicts.sides": ("Server and device", "服务器与设备"),
    "conflicts.refused": ("The server refused this action ({code}); these are the arguments "
                          "the device sent.",
                          "服务器拒绝了此操作（{code}），以下为设备提交的参数。"),
    "conflicts.field": ("Field", "字段"),
    "conflicts.server_value": ("On the server", "服务器"),
    "conflicts.device_value": ("From the device", "设备"),
    "conflicts.verbatim": ("The action as received", "接收到的原始操作"),
    # Public asset card
    "card.title": ("Equipment card", "设备信息"),
    "card.maintained_by": ("Maintained by", "负责维保"),
    "card.no_inspection": ("Not scheduled", "未安排"),
    "card.open_faults": ("Faults being handled", "处理中的报修"),
    "card.report_fault": ("Report a fault", "我要报修"),
    "card.tag": ("Tag {code}", "标签码 {code}"),
    "card.unknown_title": ("We don't know this label", "未找到该设备"),
    "card.unknown_text": ("This label does not belong to any equipment in the register. "
                          "It may have been replaced.",
                          "该标签未对应台账中的任何设备，可能已被更换。"),
    "card.unknown_help": ("Please tell the facilities service desk where you found it.",
                          "请联系后勤服务中心，并告知标签所在位置。"),
}
# fmt: on
_CATALOGUE |= REPORT_CATALOGUE
_CATALOGUE |= BOARD_CATALOGUE
_CATALOGUE |= STOCK_CATALOGUE
_CATALOGUE |= LABEL_CATALOGUE
_CATALOGUE |= IMPORT_CATALOGUE
_CATALOGUE |= PATROL_CATALOGUE
_CATALOGUE |= VERIFY_CATALOGUE
_CATALOGUE |= CLEANING_CATALOGUE
_CATALOGUE |= RATING_CATALOGUE
_CATALOGUE |= SETTLEMENT_CATALOGUE
_CATALOGUE |= INTAKE_CATALOGUE
_CATALOGUE |= ADMIN_CATALOGUE

MESSAGES: dict[str, dict[str, str]] = {
    key: {"en": english, "zh": chinese} for key, (english, chinese) in _CATALOGUE.items()
}


def pick_language(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    chosen = connection.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    header = connection.headers.get("accept-language", "")
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            ranked.append((quality, primary))
    return max(ranked)[1] if ranked else DEFAULT_LANGUAGE


def translator(language: str) -> Callable[..., str]:
    def translate(key: str, **values: Any) -> str:
        entry = MESSAGES.get(key)
        text = entry.get(language) or entry[DEFAULT_LANGUAGE] if entry else key
        return text.format(**values) if values else text

    return translate
