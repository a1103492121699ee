"""Bad input gets a clear error naming the file (and sheet, row, column where it can), says what
to do, and leaves the ledger exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import xlsxwriter
from tests.integration.lesa_helpers import query, synth_and_ingest

from iceledger.errors import IceledgerError
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import manifest_from_paths
from iceledger.synth import synthesize


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def ledger(home, tmp_path):
    """A ledger that already holds one release, and its digest."""
    synth_and_ingest(home, tmp_path, "L2", "arrests", 200)
    return home, digest(home.ledger_path)


def refused(home, paths, code, release="bad", **kw) -> IceledgerError:
    with pytest.raises(IceledgerError) as exc:
        ingest(home, manifest_from_paths(paths, release, era=kw.pop("era", None), table=kw.pop("table", None),
                                         synthetic=True), **kw)
    assert exc.value.code == code, str(exc.value)
    assert exc.value.fix, "every refusal says what to do"
    return exc.value


def test_truncated_xlsx(ledger, tmp_path):
    home, before = ledger
    m = synthesize("L2", "arrests", 300, 3, tmp_path / "t")
    src = tmp_path / "t" / m.files[0].name
    cut = tmp_path / "truncated.xlsx"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    err = refused(home, [cut], "damaged_zip")  # a cut zip cannot say whether it was a workbook
    assert err.location.file == "truncated.xlsx"
    assert digest(home.ledger_path) == before


def test_text_named_xlsx_is_read_as_text(ledger, tmp_path):
    """The content decides, not the name: comma-delimited text called arrests.xlsx is read as text."""
    home, _ = ledger
    fake = tmp_path / "arrests.xlsx"
    fake.write_text("Apprehension Date,State\n2024-01-01,TX\n")
    run = ingest(home, manifest_from_paths([fake], "named-xlsx", era="L2", table=None, synthetic=True))
    assert run.tables["core_arrests"].rows_loaded == 1
    layout = next(f for f in run.findings if f.code == "text_layout")
    assert "delimited text" in layout.message and "comma" in layout.message


def test_empty_sheet(ledger, tmp_path):
    home, before = ledger
    p = tmp_path / "ERO Admin Arrests empty.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("Sheet1")
    wb.close()
    refused(home, [p], "empty_workbook")
    assert digest(home.ledger_path) == before


def test_no_recognisable_header(ledger, tmp_path):
    home, before = ledger
    p = tmp_path / "ERO Admin Arrests notes.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("Notes")
    for r in range(80):
        ws.write_row(r, 0, [f"note {r}", "lorem", "ipsum"])
    wb.close()
    err = refused(home, [p], "unclassified_sheet")
    assert "Notes" in str(err) and "80 rows" in str(err) and "--exclude-sheet" in err.fix
    assert digest(home.ledger_path) == before


def test_latin1_csv_is_read_with_its_encoding_detected(ledger, tmp_path):
    home, _ = ledger
    m = synthesize("H-UWCHR-ENF", "arrests", 120, 5, tmp_path / "c", fmt="csv")
    src = tmp_path / "c" / m.files[0].name
    text = src.read_text(encoding="utf-8").replace("MEXICO", "MÉXICO", 3)
    latin = tmp_path / "ERO_Arrests_latin1.csv"
    latin.write_bytes(text.encode("latin-1"))
    ok = ingest(home, manifest_from_paths([latin], "latin", era="H-UWCHR-ENF", table=None, synthetic=True))
    assert ok.tables["core_arrests"].balanced
    assert any("cp1252 (detected" in f.message for f in ok.findings if f.code == "text_layout")
    assert query(home, "SELECT count(*) FROM core_arrests WHERE citizenship_country = 'MÉXICO'")[0][0] == 3


def test_wrong_encoding_given_is_refused_with_the_option(ledger, tmp_path):
    home, before = ledger
    m = synthesize("H-UWCHR-ENF", "arrests", 120, 5, tmp_path / "c", fmt="csv")
    src = tmp_path / "c" / m.files[0].name
    latin = tmp_path / "ERO_Arrests_latin1.csv"
    latin.write_bytes(src.read_text(encoding="utf-8").replace("MEXICO", "MÉXICO", 3).encode("latin-1"))
    err = refused(home, [latin], "bad_encoding", era="H-UWCHR-ENF", encoding="utf-8")
    assert "--encoding" in err.fix
    assert digest(home.ledger_path) == before


def test_file_of_another_table_passed_as_arrests(ledger, tmp_path):
    home, before = ledger
    m = synthesize("L2", "detainers", 150, 4, tmp_path / "d")
    err = refused(home, [tmp_path / "d" / m.files[0].name], "wrong_table", table="arrests")
    assert "detainers" in err.message and "--table detainers" in err.fix
    assert digest(home.ledger_path) == before


def test_changed_file_under_an_existing_release_is_refused(ledger, tmp_path):
    home, before = ledger
    m = synthesize("L2", "arrests", 100, 9, tmp_path / "x")
    p = tmp_path / "x" / m.files[0].name
    ingest(home, manifest_from_paths([p], "rel-x", era="L2", table="arrests", synthetic=True))
    after_first = digest(home.ledger_path)
    m2 = synthesize("L2", "arrests", 101, 9, tmp_path / "y")  # same name, different content
    p2 = tmp_path / "y" / m2.files[0].name
    assert p2.name == p.name
    err = refused(home, [p2], "release_changed", release="rel-x", era="L2", table="arrests")
    assert "rel-x-v2" in err.fix and "immutable" in err.fix
    assert digest(home.ledger_path) == after_first
