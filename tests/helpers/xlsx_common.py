"""What the openpyxl test helpers share: finding a column and an account's row, reading a VALUE
argument ("" clears; n:3 a number; d:2020-03-25 a date; b:true a boolean; otherwise text)."""
import datetime


def col(hdr, h, by_code=False):
    """1-based column whose header is `h` (or, with by_code, starts with the code `h`)."""
    for i, x in enumerate(hdr):
        if x == h or (by_code and x and x.split(" ")[0] == h):
            return i + 1
    raise SystemExit("no column " + h)


def row_of(ws, id_):
    """The row of account `id_` (ids are in column A)."""
    for r in range(2, ws.max_row + 1):
        if str(ws.cell(r, 1).value) == id_:
            return r
    raise SystemExit("no row " + id_)


def value(v):
    if v == "":
        return None
    if v.startswith("n:"):
        return float(v[2:]) if "." in v[2:] else int(v[2:])
    if v.startswith("d:"):
        return datetime.date.fromisoformat(v[2:])
    if v.startswith("b:"):
        return v[2:] == "true"
    return v


def set_meta(wb, key, val):
    """Overwrite a key's value in the hidden _audit sheet (a forgery, for the tests)."""
    m = wb["_audit"]
    for r in range(1, m.max_row + 1):
        if m.cell(r, 1).value == key:
            m.cell(r, 2).value = val
