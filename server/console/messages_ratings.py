"""Console strings of the satisfaction ratings page: (English, Simplified Chinese)."""

from __future__ import annotations

# fmt: off
RATING_CATALOGUE: dict[str, tuple[str, str]] = {
    "nav.ratings": ("Ratings", "满意度评价"),
    "ratings.title": ("Satisfaction ratings", "外包单位满意度评价"),
    "ratings.intro": ("Each clinical department rates each contractor serving it once a month, "
                      "1 to 5, on the field app. A later rating of the month replaces the "
                      "earlier one, which is kept below it.",
                      "各临床科室每月在移动端为服务本科室的外包单位评分（1-5 分）。"
                      "同月再次评价将取代此前的评价，原评价保留在其下方。"),
    "ratings.month": ("Month", "月份"),
    "ratings.contractor": ("Contractor", "外包单位"),
    "ratings.all_contractors": ("All contractors", "全部外包单位"),
    "ratings.apply": ("Show", "查询"),
    "ratings.export_csv": ("Download CSV", "导出 CSV"),
    "ratings.mean": ("Mean score", "平均分"),
    "ratings.count": ("Departments rated", "评价科室数"),
    "ratings.no_score": ("No department rated this month: no score.", "本月无科室评价，不计分。"),
    "ratings.department": ("Department", "科室"),
    "ratings.score": ("Score", "评分"),
    "ratings.comment": ("Comment", "意见"),
    "ratings.rated_by": ("Rated by", "评价人"),
    "ratings.rated_at": ("Rated at", "评价时间"),
    "ratings.earlier": ("Replaced", "已被取代"),
    "ratings.replaced_at": ("replaced {when}", "{when} 被取代"),
    "ratings.none": ("There are no contractors to show.", "没有可显示的外包单位。"),
}
# fmt: on
