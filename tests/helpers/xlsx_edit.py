"""Fill or tamper with an inspector workbook the way a person would, with openpyxl.

usage: xlsx_edit.py SRC DST [--all-pass DATE] [--fill-blank DATE] [--set ID HEADER VALUE]...
                     [--delete ID]... [--meta KEY VALUE]... [--add-row ID] [--cell ROW COL VALUE]...
                     [--sheet-cell SHEET ROW COL VALUE]...
--fill-blank answers only the blank indicator cells (pre-filled answers are kept).
VALUE: "" clears; n:3 a number; d:2020-03-25 a date; b:true a boolean; otherwise text.
HEADER matches a header cell exactly or by its code prefix (e.g. V8).
"""
import datetime, os, sys
import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xlsx_common as common
from xlsx_common import value

args = sys.argv[1:]
src, dst, rest = args[0], args[1], args[2:]
wb = openpyxl.load_workbook(src)
ws = wb["检查表"]
hdr = [c.value for c in ws[1]]

def col(h):
    return common.col(hdr, h, by_code=True)


def row_of(id_):
    return common.row_of(ws, id_)

i = 0
while i < len(rest):
    a = rest[i]
    if a == "--all-pass":
        d = datetime.date.fromisoformat(rest[i + 1])
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value is None:
                continue
            for c, h in enumerate(hdr, start=1):
                if h and len(h) > 1 and h[0] in "VD" and h[1].isdigit():
                    ws.cell(r, c).value = "否" if h[0] == "V" else 0
            ws.cell(r, col("检查日期")).value = d
        i += 2
    elif a == "--fill-blank":
        d = datetime.date.fromisoformat(rest[i + 1])
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value is None:
                continue
            for c, h in enumerate(hdr, start=1):
                if h and len(h) > 1 and h[0] in "VD" and h[1].isdigit() and ws.cell(r, c).value is None:
                    ws.cell(r, c).value = "否" if h[0] == "V" else 0
            ws.cell(r, col("检查日期")).value = d
        i += 2
    elif a == "--sheet-cell":
        wb[rest[i + 1]].cell(int(rest[i + 2]), int(rest[i + 3])).value = value(rest[i + 4])
        i += 5
    elif a == "--set":
        ws.cell(row_of(rest[i + 1]), col(rest[i + 2])).value = value(rest[i + 3])
        i += 4
    elif a == "--delete":
        ws.delete_rows(row_of(rest[i + 1]))
        i += 2
    elif a == "--cell":
        ws.cell(int(rest[i + 1]), int(rest[i + 2])).value = value(rest[i + 3])
        i += 4
    elif a == "--add-row":
        ws.cell(ws.max_row + 1, 1).value = rest[i + 1]
        i += 2
    elif a == "--meta":
        common.set_meta(wb, rest[i + 1], rest[i + 2])
        i += 3
    else:
        raise SystemExit("unknown option " + a)
ws.protection.sheet = True
wb.save(dst)
