"""Console strings of the import pages: (English, Simplified Chinese)."""

from __future__ import annotations

# fmt: off
IMPORT_CATALOGUE: dict[str, tuple[str, str]] = {
    "nav.imports": ("Import", "数据导入"),
    "imports.title": ("Import and export", "导入与导出"),
    "imports.intro": (
        "Load a CSV or XLSX file. It is checked first and nothing is written until you "
        "apply it; a file with any error is not applied at all.",
        "上传 CSV 或 XLSX 文件。系统先检查，点击“应用”后才写入；"
        "文件中只要有一处错误，整个文件都不会写入。"),
    "imports.kind": ("What the file holds", "文件内容"),
    "imports.kind.assets": ("Assets", "设备"),
    "imports.kind.items": ("Stock items", "库存物料"),
    "imports.kind.locations": ("Locations", "位置"),
    "imports.kind.people": ("People", "人员"),
    "imports.file": ("File (.csv or .xlsx, at most {mb} MB)",
                     "文件（.csv 或 .xlsx，不超过 {mb} MB）"),
    "imports.check": ("Check the file", "检查文件"),
    "imports.template": ("Template", "模板"),
    "imports.export": ("Export", "导出"),
    "imports.files": ("Templates and exports", "模板与导出"),
    "imports.files_hint": (
        "An export imports back without changes; edit it and import it to update many rows.",
        "导出的文件可原样导回；修改后再导入即可批量更新。"),
    "imports.result": ("Check of {file}", "{file} 的检查结果"),
    "imports.applied": ("Imported {file}", "已导入 {file}"),
    "imports.rows": ("Rows", "行数"),
    "imports.created": ("New", "新增"),
    "imports.updated": ("Changed", "更新"),
    "imports.unchanged": ("Unchanged", "未变"),
    "imports.errors": ("Errors: fix them in the file and check it again",
                       "错误：请在文件中改正后重新检查"),
    "imports.line": ("Line", "行"),
    "imports.column": ("Column", "列"),
    "imports.message": ("Problem", "问题"),
    "imports.apply": ("Apply", "应用"),
    "imports.no_errors": ("No errors. Nothing has been written yet.",
                          "没有错误。尚未写入任何数据。"),
    "imports.history": ("Recent imports", "最近的导入"),
    "imports.when": ("When", "时间"),
    "imports.who": ("Who", "导入人"),
    "imports.by_cli": ("command line", "命令行"),
    "imports.none": ("No imports yet.", "尚无导入记录。"),
    "imports.back": ("Import another file", "导入其他文件"),
}
# fmt: on
