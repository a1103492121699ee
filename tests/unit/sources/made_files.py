"""Files the reader tests make: workbooks written part by part (so a test controls every byte of a
sheet's XML: its <dimension>, self-closing empty rows) and delimited text in any dialect and compression."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_xml(rows: list[list[object]], *, dimension: str | None = "auto", empty_rows_before: int = 0,
              row_numbers: bool = True) -> str:
    """A worksheet: ``rows`` (None for an empty cell) below ``empty_rows_before`` self-closing <row r="n"/>."""
    body = [f'<row r="{k + 1}"/>' for k in range(empty_rows_before)]
    for i, row in enumerate(rows):
        n = empty_rows_before + i + 1
        cells = []
        for j, v in enumerate(row):
            if v is None:
                continue
            ref = f' r="{column_letter(j)}{n}"' if row_numbers else ""
            cells.append(f'<c{ref} t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>')
        attr = f' r="{n}"' if row_numbers else ""
        body.append(f"<row{attr}>{''.join(cells)}</row>" if cells else f"<row{attr}/>")
    if dimension == "auto":
        width = max((len(r) for r in rows), default=1)
        last = empty_rows_before + len(rows)
        dimension = f"A1:{column_letter(width - 1)}{last}" if last else "A1"
    dim = f"<dimension ref={quoteattr(dimension)}/>" if dimension is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'{dim}<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>{"".join(body)}</sheetData></worksheet>')


def write_xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """A workbook of the given sheet XML parts, in order."""
    names = list(sheets)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                   'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   f"{types}</Types>")
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name={quoteattr(n)} sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
                   f"<sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(len(names)))
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">{rels}'
                   "</Relationships>")
        for i, n in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheets[n])
    return path


def delimited(rows: list[list[object]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue()


def write_text(path: Path, text: str, *, compression: str | None = None, encoding: str = "utf-8",
               member: str = "export.txt") -> Path:
    data = text.encode(encoding)
    if compression == "gzip":
        path.write_bytes(gzip.compress(data))
    elif compression == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(member, data)
    else:
        path.write_bytes(data)
    return path


BANNER = [["ERO-LESA Statistical Tracking Unit"], ["For Official Use Only (FOUO)/Pre-decisional"], ["2019-ICFO-53623"], [],
          ["ERO Administrative Arrests for FY2017"]]
NATIONAL_ARRESTS = ["Area of Responsibility", "Apprehension Date", "Apprehension Method", "Apprehension Landmark", "Operation",
                    "Processing Disposition", "Birth Date", "Citizenship", "Gender"]


def national_arrests(n: int) -> list[list[object]]:
    """Banner, header and ``n`` made-up rows in the layout of the national 2019-ICFO-53623 arrests (not ICE's data)."""
    aors = ["Seattle Area of Responsibility", "Chicago Area of Responsibility", "New York City Area of Responsibility"]
    rows = [[aors[i % 3], f"{1 + i % 9}/{1 + i % 28}/2017", "Located", f"MADE-UP SITE {i}, \"A|B\"; C", None,
             "Notice to Appear", "(B)(6);(B)(7)(C) ", "MEXICO" if i % 2 else "GUATEMALA", "Male"] for i in range(n)]
    return [list(b) for b in BANNER] + [list(NATIONAL_ARRESTS)] + rows
