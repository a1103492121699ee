"""The reader on files the tests make, for the cases the real files lack: every delimiter, quoting and
compression; a symlink's name; rows of the wrong width; workbook XML that calamine finds awkward."""

from __future__ import annotations

import csv
import string
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from tests.unit.sources.made_files import NATIONAL_ARRESTS, delimited, national_arrests, sheet_xml, write_text, write_xlsx

from iceledger.errors import InputError
from iceledger.sources.lesa.extract import RawChunk, ReadHints, SheetOutcome, read_file
from iceledger.sources.lesa.workbook import read_dimension, sheet_parts


def read(path, name=None, hints=None):
    hints = hints or ReadHints()
    findings = []
    items = list(read_file(path, name or path.name, hints, findings))
    return items, findings


def rows_of(items) -> list[dict]:
    out = []
    for c in items:
        if isinstance(c, RawChunk):
            names = c.headers
            for r in c.data.to_pylist():
                out.append({"source_row": r["source_row"], **{names[i]: r[f"c{i}"] for i in range(len(names))}})
    return out


@pytest.mark.parametrize("delimiter,word", [(",", "comma"), ("|", "pipe"), ("\t", "tab"), (";", "semicolon")])
@pytest.mark.parametrize("compression", [None, "gzip", "zip"])
def test_any_delimiter_and_compression_whatever_the_name(tmp_path, delimiter, word, compression):
    rows = national_arrests(30)
    path = write_text(tmp_path / "export.dat", delimited(rows, delimiter), compression=compression)
    items, findings = read(path)
    layout = next(f for f in findings if f.code == "text_layout").message
    assert f"delimiter {word} (detected)" in layout and "encoding utf-8" in layout
    assert (compression or "delimited text") in layout
    got = rows_of(items)
    assert len(got) == 30
    assert items[0].guess.table == "core_arrests" and items[0].header_row == 6
    assert got[0]["source_row"] == 7 and got[-1]["source_row"] == 36
    assert got[3]["Apprehension Landmark"] == 'MADE-UP SITE 3, "A|B"; C'  # quoted delimiter and quotes kept
    assert got[3]["Birth Date"] == "(B)(6);(B)(7)(C) " and got[3]["Operation"] is None


def test_the_quote_character_is_detected(tmp_path):
    out = delimited(national_arrests(20), ";", csv.QUOTE_ALL).replace('"', "'")  # every field in single quotes
    items, findings = read(write_text(tmp_path / "single.txt", out))
    assert "delimiter semicolon, quote ' (detected)" in findings[0].message
    got = rows_of(items)
    assert len(got) == 20 and got[0]["Gender"] == "Male" and got[3]["Apprehension Landmark"] == "MADE-UP SITE 3, 'A|B'; C"


def test_apostrophes_at_field_edges_stay_values(tmp_path):
    """csv.Sniffer may take ' for the quote when values start and end with one; the quote that reads the
    rows more regularly wins, '"' on a tie."""
    rows = national_arrests(30)
    for r in rows[6:]:
        r[3], r[4] = "'QUOTED' NAME", "'x'"
    got = rows_of(read(write_text(tmp_path / "apostrophes.csv", delimited(rows)))[0])
    assert {(r["Apprehension Landmark"], r["Operation"], r["Gender"]) for r in got} == {("'QUOTED' NAME", "'x'", "Male")}


def test_pipe_delimited_csv_gz_like_the_national_release(tmp_path):
    """The national files: pipe-delimited, gzip-compressed, named .csv.gz, every text value quoted."""
    path = write_text(tmp_path / "EROArrests_FY2017.csv.gz", delimited(national_arrests(50), "|", csv.QUOTE_NONNUMERIC),
                      compression="gzip")
    items, findings = read(path)
    assert "gzip-compressed: encoding utf-8 (detected), delimiter pipe (detected), header on row 6" in findings[0].message
    assert [c.headers for c in items] == [NATIONAL_ARRESTS]
    assert len(rows_of(items)) == 50


def test_a_link_is_read_under_the_name_the_user_gave(tmp_path):
    target = write_text(tmp_path / "target.csv.gz", delimited(national_arrests(5), "|"), compression="gzip")
    link = tmp_path / "arrests-as-given.data"
    link.symlink_to(target)
    items, findings = read(link, link.name)
    assert {c.file_name for c in items} == {"arrests-as-given.data"}
    assert findings[0].detail["files"] == ["arrests-as-given.data"]


def test_latin1_and_utf16_are_detected(tmp_path):
    rows = national_arrests(4)
    rows[7][7] = "MÉXICO"
    latin = write_text(tmp_path / "latin.csv", delimited(rows), encoding="latin-1")
    items, findings = read(latin)
    assert "cp1252 (detected" in findings[0].message and rows_of(items)[1]["Citizenship"] == "MÉXICO"
    utf16 = write_text(tmp_path / "utf16.txt", delimited(rows, "\t"), encoding="utf-16")  # with its byte order mark
    items, findings = read(utf16)
    assert "utf-16-le (byte order mark)" in findings[0].message and rows_of(items)[1]["Citizenship"] == "MÉXICO"


def test_undetectable_layout_says_what_was_tried_and_the_options(tmp_path):
    path = write_text(tmp_path / "notes.csv", "\n".join(f"line {i} of some notes" for i in range(100)))
    with pytest.raises(InputError) as exc:
        read(path)
    err = exc.value
    assert err.code == "no_header" and err.location.file == "notes.csv"
    assert "comma, pipe, tab, semicolon" in err.message and "utf-8" in err.message
    assert "--delimiter" in err.fix and "--encoding" in err.fix


def test_given_delimiter_and_encoding_are_used(tmp_path):
    rows = national_arrests(3)
    path = write_text(tmp_path / "x.csv", delimited(rows, ";"), encoding="cp1252")
    items, findings = read(path, hints=ReadHints(delimiter=";", encoding="cp1252"))
    assert "encoding cp1252 (given), delimiter semicolon (given)" in findings[0].message
    assert len(rows_of(items)) == 3


def test_rows_of_another_width_are_kept_whole_with_their_row_numbers(tmp_path):
    """A row with more fields than the header (values under generated headers), a short one (padded)
    and an empty line: the careful reader takes over from the first of them, numbering stays exact."""
    lines = delimited(national_arrests(6), "|").splitlines()
    lines[8] += "|EXTRA"  # the third data row (row 9) has a tenth field
    lines[10] = "Seattle Area of Responsibility|1/5/2017"  # row 11 is short
    lines.insert(11, "")  # row 12 is an empty line
    path = write_text(tmp_path / "ragged.csv", "\n".join(lines) + "\n")
    got = rows_of(read(path)[0])
    assert [r["source_row"] for r in got] == [7, 8, 9, 10, 11, 12, 13]
    assert got[2]["(no header, column 10)"] == "EXTRA" and got[2]["Gender"] == "Male"
    assert got[4]["Apprehension Date"] == "1/5/2017" and got[4]["Gender"] is None
    assert all(v is None for k, v in got[5].items() if k != "source_row")
    assert got[6]["Apprehension Landmark"].startswith("MADE-UP SITE 5")


def test_lines_ending_in_a_delimiter_stay_on_the_fast_path(tmp_path):
    """Exports that end every line with a delimiter (an empty last header cell) read as regular rows."""
    text = "banner,,,\nApprehension Date,Apprehension State,Gender,\n2024-01-01,TX,Male,\n2024-01-02,CA,Female,\n"
    items, _ = read(write_text(tmp_path / "trailing.csv", text))
    (chunk,) = items
    assert chunk.headers == ["Apprehension Date", "Apprehension State", "Gender", ""]
    assert [r["Gender"] for r in rows_of(items)] == ["Male", "Female"] and rows_of(items)[1]["source_row"] == 4


def test_a_zip_of_several_files_is_refused(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.csv", "x")
        z.writestr("b.csv", "y")
    with pytest.raises(InputError) as exc:
        read(path)
    assert exc.value.code == "zip_not_one_file" and "a.csv, b.csv" in exc.value.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimiter=st.sampled_from([",", "|", "\t", ";"]), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       values=st.lists(st.text(alphabet=string.ascii_letters + string.digits + " ,|;\t\"'\n()/-", max_size=12),
                       min_size=9, max_size=9 * 25))
def test_dialect_detection_round_trips_what_csv_writes(tmp_path_factory, delimiter, quoting, values):
    """Whatever the values hold (delimiters, quotes, newlines), what Python's csv writer wrote in any of the
    four dialects is read back as written, under the header found after the banner."""
    body = [values[i:i + 9] for i in range(0, len(values) - 8, 9)]
    body = [[f"row {k}"] + r[1:] for k, r in enumerate(body)]  # every row holds a value
    path = write_text(tmp_path_factory.mktemp("h") / "made.txt", delimited(national_arrests(0) + body, delimiter, quoting))
    items, _ = read(path)
    got = [[r[h] or "" for h in NATIONAL_ARRESTS] for r in rows_of(items)]
    assert got == [[v.replace("\r", "") for v in r] for r in body]


# --- workbooks -----------------------------------------------------------------------------------------

HEADER = ["Apprehension Date", "Apprehension State", "Apprehension AOR", "Apprehension Method", "Gender"]
DATA = [[f"2024-01-0{i + 1} 10:00:00", "TEXAS", "Houston Area of Responsibility", "Located", "Male"] for i in range(5)]
SHEET = [["ICE banner"], [], ["made-up arrests, not ICE's"], HEADER, *DATA]


@pytest.mark.parametrize("dimension", ["auto", None, "A1:B2", "A1:Z90000", "1:9", "A:E"])
def test_any_dimension_is_read(tmp_path, dimension):
    path = write_xlsx(tmp_path / "dim.xlsx", {"Arrests": sheet_xml(SHEET, dimension=dimension)})
    items, findings = read(path)
    (chunk,) = items
    assert chunk.header_row == 4 and chunk.headers == HEADER
    assert [r["source_row"] for r in rows_of(items)] == [5, 6, 7, 8, 9]
    assert rows_of(items)[4]["Apprehension Date"] == "2024-01-05 10:00:00"
    assert any(f.code == "dimension_ignored" for f in findings) == (dimension in ("1:9", "A:E"))


def test_calamine_refuses_a_row_only_dimension(tmp_path):
    """Why the reader checks the dimension first: fastexcel alone cannot read such a sheet."""
    import fastexcel

    path = write_xlsx(tmp_path / "rows-only.xlsx", {"Arrests": sheet_xml(SHEET, dimension="1:9")})
    with pytest.raises(Exception, match="column"):
        fastexcel.read_excel(str(path)).load_sheet("Arrests", header_row=None, dtypes="string")


@pytest.mark.parametrize("before", [0, 1, 3])
def test_leading_self_closing_rows_shift_the_rows(tmp_path, before):
    path = write_xlsx(tmp_path / "lead.xlsx", {"Arrests": sheet_xml(SHEET, empty_rows_before=before)})
    items, _ = read(path)
    assert items[0].header_row == 4 + before
    assert [r["source_row"] for r in rows_of(items)] == [5 + before + i for i in range(5)]


def test_rows_without_numbers_count_from_one(tmp_path):
    path = write_xlsx(tmp_path / "plain.xlsx", {"Arrests": sheet_xml(SHEET, row_numbers=False)})
    items, _ = read(path)
    assert items[0].header_row == 4 and rows_of(items)[0]["source_row"] == 5


def test_dimension_is_read_by_xml_in_time_independent_of_size(tmp_path):
    big = [HEADER] + DATA * 20_000
    path = write_xlsx(tmp_path / "big.xlsx", {"Arrests": sheet_xml(big, dimension="1:100001"),
                                              "Notes": sheet_xml([["a note"]])})
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        assert parts == {"Arrests": "xl/worksheets/sheet1.xml", "Notes": "xl/worksheets/sheet2.xml"}
        dim = read_dimension(z, parts["Arrests"])
    assert dim.ref == "1:100001" and not dim.readable and 0 < dim.start < dim.end < 400


def test_each_sheet_is_classified_on_its_own_header(tmp_path):
    detainers = [["Detainer Prepare Date", "Detention Facility", "Detainer Lift Reason", "Gender"],
                 ["2024-02-01", "MADE-UP COUNTY JAIL", "Detainer Declined by LEA", "Male"]]
    summary = [["banner"], [], ["made-up arrests, not ICE's"], ["Fiscal Year", "Total"], ["FY2024", "5"]]
    path = write_xlsx(tmp_path / "mixed.xlsx", {"Summary": sheet_xml(summary), "Arrests": sheet_xml(SHEET),
                                                "Holds": sheet_xml(detainers), "Footnotes": sheet_xml([["a"], ["b"]]),
                                                "Pivot": sheet_xml([["x", "y"], ["1", "2"]]), "Blank": sheet_xml([])})
    items, _ = read(path)
    kinds = {i.sheet: (i.kind if isinstance(i, SheetOutcome) else i.guess.table) for i in items}
    assert kinds == {"Summary": "summary", "Arrests": "core_arrests", "Holds": "core_detainers", "Footnotes": "notes",
                     "Pivot": "unclassified", "Blank": "empty"}
    summary_block = next(i for i in items if i.sheet == "Summary").blocks[0]
    assert summary_block.title == "made-up arrests, not ICE's" and summary_block.values == {"Total": {2024: 5}}
    hinted, _ = read(path, hints=ReadHints(excluded={"Pivot": "a pivot of the arrests"}, sheet_tables={"Footnotes": "core_arrests"}))
    kinds = {i.sheet: (i.kind, i.reason) for i in hinted if isinstance(i, SheetOutcome)}
    assert kinds["Pivot"] == ("excluded", "a pivot of the arrests")
    assert kinds["Footnotes"][0] == "unclassified" and "arrests" in kinds["Footnotes"][1]
