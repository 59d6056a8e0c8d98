"""Fill or tamper with a rectification workbook (整改反馈表) the way a unit would, with openpyxl.

usage: rectify_fill.py SRC DST [--all OUTCOME DATE] [--set ID HEADER VALUE]... [--meta KEY VALUE]...
--all fills every row: 整改措施 "已按要求整改", 整改结果 OUTCOME, 完成日期 DATE (d:YYYY-MM-DD or text).
VALUE: "" clears; n:3 a number; d:2020-04-08 a date; otherwise text.
"""
import os, sys
import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xlsx_common as common
from xlsx_common import value

args = sys.argv[1:]
src, dst, rest = args[0], args[1], args[2:]
wb = openpyxl.load_workbook(src)
ws = wb["整改反馈表"]
hdr = [c.value for c in ws[1]]

def col(h):
    return common.col(hdr, h)

i = 0
while i < len(rest):
    a = rest[i]
    if a == "--all":
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value is None:
                continue
            ws.cell(r, col("整改措施")).value = "已按要求整改"
            ws.cell(r, col("整改结果")).value = rest[i + 1]
            ws.cell(r, col("完成日期")).value = value(rest[i + 2])
        i += 3
    elif a == "--set":
        ws.cell(common.row_of(ws, rest[i + 1]), col(rest[i + 2])).value = value(rest[i + 3])
        i += 4
    elif a == "--meta":
        common.set_meta(wb, rest[i + 1], rest[i + 2])
        i += 3
    else:
        raise SystemExit("unknown option " + a)
ws.protection.sheet = True
wb.save(dst)
