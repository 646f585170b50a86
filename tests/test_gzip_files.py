"""gzip'd record files (`extract baseline`, `extract --xml FILE.xml.gz`) cut short, as a
download stopped half way leaves them: every record whose closing tag was decompressed before
the cut is stored, then the file is named in one line (not done, exit status 1) and the next
file is still read.

The inputs are fixtures/baseline/pubmed25n0001.xml.gz (60 records, no deletions) cut at
several points of its compressed bytes, and the same document written as two gzip members.
The number of records a cut file holds is counted here with zlib alone, not with the package.
"""

from __future__ import annotations

import gzip
import io
import shutil
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import select_rows

from extractor.cli import cli
from extractor.run.pipeline import open_records_file

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "fixtures" / "baseline"
NAME, NEXT = "pubmed25n0001.xml.gz", "pubmed25n0002.xml.gz"
WHOLE = (FILES / NAME).read_bytes()
TEXT = gzip.decompress(WHOLE)
CUT_SHORT = "not a complete gzip file: Compressed file ended before the end-of-stream marker was reached"


def two_members() -> bytes:
    """The fixture's document as two gzip members (``cat a.gz b.gz``), split mid-record."""
    half = len(TEXT) // 2
    return gzip.compress(TEXT[:half], mtime=0) + gzip.compress(TEXT[half:], mtime=0)


def complete_records(compressed: bytes) -> int:
    """Records whose closing tag zlib decompresses from ``compressed``, member after member."""
    text = b""
    while compressed:
        member = zlib.decompressobj(wbits=31)
        text += member.decompress(compressed)
        if not member.eof:
            break
        compressed = member.unused_data
    return text.count(b"</PubmedArticle>") + text.count(b"</PubmedBookArticle>")


# (what is cut, the compressed bytes kept)
CUTS = {
    "25 %": WHOLE[: len(WHOLE) // 4],
    "50 %": WHOLE[: len(WHOLE) // 2],
    "90 %": WHOLE[: len(WHOLE) * 9 // 10],
    "inside the gzip header": WHOLE[:5],
    "inside the trailer": WHOLE[:-3],
    "inside the second member": two_members()[: len(two_members()) * 3 // 4],
}



def test_the_cuts_leave_a_spread_of_complete_records() -> None:
    """The cases below are worth having: none, some, most and all of the 60 records."""
    assert complete_records(WHOLE) == 60
    assert {name: complete_records(data) for name, data in CUTS.items()} == {
        "25 %": 14, "50 %": 29, "90 %": 56, "inside the gzip header": 0,
        "inside the trailer": 60, "inside the second member": 45}


@pytest.mark.slow
@pytest.mark.parametrize("cut", sorted(CUTS))
def test_baseline_stores_every_record_before_the_cut_then_reads_the_next_file(
        tmp_path: Path, cut: str) -> None:
    expected = complete_records(CUTS[cut])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / NAME).write_bytes(CUTS[cut])
    shutil.copy(FILES / NEXT, folder / NEXT)
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["baseline", str(folder), "--db", str(db), "-w", "1"])
    assert (result.exit_code, result.stderr.splitlines()) == (1, [
        f"{NAME}: {expected} stored, 0 deleted, 0 failed; not read to its end",
        f"{NEXT}: 60 stored, 0 deleted, 0 failed",
        f"Error: {folder / NAME}: {CUT_SHORT}"])
    assert select_rows(db, "select name, position, stored, done from files order by name") == [
        (NAME, expected, expected, 0), (NEXT, 60, 60, 1)]
    assert select_rows(db, "select count(*) from articles") == [(expected + 60,)]


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_xml_option_stores_every_record_before_the_cut(tmp_path: Path, cut: str) -> None:
    expected = complete_records(CUTS[cut])
    path = tmp_path / NAME
    path.write_bytes(CUTS[cut])
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--xml", str(path), "--db", str(db), "-q", "-w", "1"])
    assert (result.exit_code, result.stderr.splitlines()) == (1, [f"Error: {path}: {CUT_SHORT}"])
    assert select_rows(db, "select count(*) from articles") == [(expected,)]


def test_a_file_of_two_members_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(two_members() + b"\0" * 7)   # zero padding after a member, as gzip allows
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["baseline", str(path), "--db", str(db), "-w", "1"])
    assert (result.exit_code, result.stderr.splitlines()) == (
        0, [f"{NAME}: 60 stored, 0 deleted, 0 failed"])


def test_a_file_that_is_no_gzip_is_named_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(TEXT)
    result = CliRunner().invoke(cli, ["--xml", str(path), "--db", str(tmp_path / "t.db"), "-q"])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1, [f"Error: {path}: not a complete gzip file: Not a gzipped file (b'<?')"])


def test_garbage_after_a_member_is_named_after_the_records(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(WHOLE + b"PK\3\4 not gzip")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--xml", str(path), "--db", str(db), "-q", "-w", "1"])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1, [f"Error: {path}: not a complete gzip file: Not a gzipped file (b'PK')"])
    assert select_rows(db, "select count(*) from articles") == [(60,)]


# --- the stream itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 1000, 1 << 20])
def test_reads_give_every_byte_before_the_cut_then_the_error(tmp_path: Path, size: int) -> None:
    cut = CUTS["50 %"]
    path = tmp_path / NAME
    path.write_bytes(cut)
    readable = zlib.decompressobj(wbits=31).decompress(cut)
    got = io.BytesIO()
    with open_records_file(path) as stream, pytest.raises(EOFError):
        while chunk := stream.read(size):
            assert len(chunk) <= size
            got.write(chunk)
    assert got.getvalue() == readable


def test_a_whole_file_reads_as_gzip_reads_it(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(two_members())
    with open_records_file(path) as stream:
        assert stream.read(100) == TEXT[:100]
        assert stream.read() == TEXT[100:]
        assert stream.read(100) == b""
