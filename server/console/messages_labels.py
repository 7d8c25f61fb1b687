"""Console strings of the label sheets: (English, Simplified Chinese)."""

from __future__ import annotations

# fmt: off
LABEL_CATALOGUE: dict[str, tuple[str, str]] = {
    "nav.labels": ("Labels", "标签打印"),
    "labels.title": ("Print labels", "打印标签"),
    "labels.intro": ("A4 sheets as PDF. Print at 100 % (actual size), not “fit to page”.",
                     "A4 标签纸 PDF。请按 100%（实际大小）打印，不要“适合页面”。"),
    "labels.print": ("Print labels", "打印标签"),
    "labels.print_hint": ("Labels for every asset the filter matches, not only this page.",
                          "为筛选出的全部设备打印标签，而不仅是本页。"),
    "labels.assets": ("Asset QR labels", "设备二维码标签"),
    "labels.assets_hint": ("The asset register’s “Print labels” button prints its current filter.",
                           "设备台账页的“打印标签”按钮按当前筛选条件打印。"),
    "labels.items": ("Item labels", "物料标签"),
    "labels.bins": ("Bin labels", "货位标签"),
    "labels.store": ("Store", "仓库"),
    "labels.all_stores": ("All stores", "全部仓库"),
    "labels.symbol": ("Barcode", "条码类型"),
    "labels.symbol.code128": ("Code 128 of the item code", "物料编码 Code 128"),
    "labels.symbol.gs1-128": ("GS1-128 of the GTIN", "GTIN 的 GS1-128"),
    "labels.symbol.gs1-datamatrix": ("GS1 DataMatrix of the GTIN", "GTIN 的 GS1 DataMatrix"),
    "labels.preset": ("Label sheet", "标签纸规格"),
    "labels.custom": ("Custom grid (below)", "自定义（见下）"),
    "labels.custom_grid": ("Custom grid", "自定义排版"),
    "labels.custom_hint": (
        "In millimetres from the top left corner of the page; pitch is label plus gap.",
        "单位毫米，自页面左上角起；间距 = 标签尺寸 + 空隙。"),
    "labels.columns": ("Columns", "列数"),
    "labels.rows": ("Rows", "行数"),
    "labels.width": ("Label width", "标签宽"),
    "labels.height": ("Label height", "标签高"),
    "labels.left": ("Left margin", "左边距"),
    "labels.top": ("Top margin", "上边距"),
    "labels.pitch_x": ("Pitch across", "横向间距"),
    "labels.pitch_y": ("Pitch down", "纵向间距"),
    "labels.start": ("Start at label", "起始标签位置"),
    "labels.download": ("Download PDF", "下载 PDF"),
    "labels.calibration": ("Calibration page", "校准页"),
    "labels.calibration_hint": (
        "Print it on plain paper and lay it on a label sheet against the light: the outlines"
        " must fall on the labels, the bar must measure 100 mm.",
        "用普通纸打印，对着光叠在标签纸上：轮廓应与标签重合，"
        "标尺横条应为 100 毫米。"),
    "labels.download_calibration": ("Download calibration page", "下载校准页"),
    "error.invalid_label_sheet": ("These labels cannot be laid out on that sheet.",
                                  "无法按该标签纸规格排版。"),
}
# fmt: on
