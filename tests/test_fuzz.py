"""Property-based fuzzing of every parser that reads a file from outside: the four
importers (``relance import json|csv|linkedin|vcard``) and the data-file loader (a data
file handed to ``relance list``, ``relance status``, ``relance doctor``).

The inputs are hostile, not just random: valid files (an export, a data file, a CSV, a
LinkedIn export, vCards) with their fields mutated to wrong types, numbers of 5,000
digits, values nested 100,000 deep, control characters and escape sequences, invalid
UTF-8, NUL, lone surrogates, broken quoting and line ends, cells past the CSV reader's
limit... For every input, whatever it holds:

- the exit status is 0, 1 or 2, with no traceback and nothing left hanging;
- what is printed holds no control character but a line break or a tab (a file's
  ``\\x1b[31m`` never reaches the terminal), and a refusal is short: a line (a short
  list for an import's report, a line per finding for ``doctor``), no line longer
  than :data:`MAX_LINE` characters;
- a refusal (exit status other than 0), a ``--dry-run`` and ``doctor`` leave the data
  file's bytes as they were, and no temp file beside it; an import that succeeds
  leaves a data file that reads back, every contact of before still in it.

The command runs in this process, so an example costs milliseconds, not the 0.3 s of a
child process: ``tui.cli.main`` (what the console script calls, ``sys.exit(main())``),
in a thread of its own so that its stack starts as shallow as a process's (how deep JSON
nests before Python's recursion limit depends on it), writing to UTF-8 streams that fail
as a terminal's would; the descriptors it leaves open are closed. The two
``test_in_process_...`` tests check that it prints and exits exactly as the command does.

``database=None`` and ``derandomize=True``: CI runs the same examples every time (see
the counts in ``fuzz_settings(...)``; ``pytest --hypothesis-show-statistics`` prints
them); ``RELANCE_FUZZ_SCALE=10`` runs ten times as many, from a random seed, to hunt.
The bugs it found each have a plain test in test_fuzz_bugs.py.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import re
import shutil
import tempfile
import threading
import traceback
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.files import TEMP_MARK
from store.repository import Repository
from tui.cli import main

from .conftest import ROOT, TODAY, run_relance

#: a line of a refusal, of an import's report or of doctor's longer than this is not "short".
#: Not 400: a message quotes the value it refuses cut at 300 characters (record_loader.make_loader,
#: Repository.build, fmt.shown), after the file's path and the newest backup's, and a record's
#: or a row's problems share its line; a quote that grows with the input (values here are of
#: 5,000 to 131,072 characters, lists of 3,000 items, nesting 100,000 deep) is far past it.
MAX_LINE = 1500
#: ``import json`` says up to 20 problems on its one line
MAX_JSON_LINE = 20 * 400
#: what a terminal takes as a command: C0 but tab and line feed, DEL, C1
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: an example that takes longer than this is a hang
HANG_SECONDS = 20

#: a data file from before relance versioned its files (store/migrations.py)
SCHEMA_0 = ROOT / "tests" / "fixtures" / "schema0.json"

SCALE = int(os.environ.get("RELANCE_FUZZ_SCALE", "1") or 1)


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        database=None,
        derandomize=SCALE == 1,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                               HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


# -- running the command in this process ------------------------------------------------------


def _in_a_thread(argv: list[str]) -> tuple[object, str]:
    """``main(argv)`` in a thread of its own: its Python stack starts nearly empty, as the
    console script's does (under pytest and hypothesis it would start ~150 frames deep,
    and where a value nested hundreds deep stops being readable or writable would move).
    (the exit status or "hang", a traceback or "")."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["code"] = main(argv)
        except SystemExit as exit:
            box["code"] = exit.code if exit.code is not None else 0
            if isinstance(box["code"], str):  # (sys.exit("message") prints it and exits 1)
                box["message"], box["code"] = box["code"], 1
        except BaseException:
            box["code"], box["message"] = 1, traceback.format_exc()

    thread = threading.Thread(target=run, name="relance-main", daemon=True)
    thread.start()
    thread.join(HANG_SECONDS)
    if thread.is_alive():
        return "hang", f"Hang: still running after {HANG_SECONDS} s\n"
    return box.get("code", 0), str(box.get("message", ""))


def _open_fds() -> set[int]:
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


@dataclass
class Result:
    argv: list[str]
    code: object
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (f"relance {' '.join(self.argv)!r} -> {self.code!r}\n"
                f"stdout: {self.stdout[:3000]!r}\nstderr: {self.stderr[:3000]!r}")


def relance(*argv: str) -> Result:
    """``relance ARGV`` as the console script runs it (``sys.exit(main())``), in this
    process: the exit status, what it printed. An exception escaping ``main`` is written
    to stderr as Python would (a traceback); a hang is said so; the file descriptors the
    command left open (a process's exit would close them) are closed."""
    # streams that encode as the real ones do (UTF-8; stdout strict, stderr backslashreplace):
    # a text no UTF-8 can hold (a lone surrogate) fails here as it would in the terminal
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="\n",
                           write_through=True)
    before = _open_fds()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        code, message = _in_a_thread(list(argv))
        if message:
            err.write(message if message.endswith("\n") else message + "\n")
    for fd in _open_fds() - before:
        with contextlib.suppress(OSError):
            os.close(fd)
    stderr = err.buffer.getvalue().decode("utf-8")
    for warning in caught:  # (shown on stderr by the console script, unless ignored by default)
        if not issubclass(warning.category, (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                                             ResourceWarning)):
            stderr += f"{warning.filename}:{warning.lineno}: {warning.category.__name__}: {warning.message}\n"
    return Result(list(argv), code if code is not None else 0, out.buffer.getvalue().decode("utf-8"), stderr)


def check_output(result: Result, refused_lines: int | None = 1, max_line: int = MAX_LINE) -> None:
    """What every run must be: a known exit status, no traceback, no control character;
    a refusal (exit status other than 0) in at most ``refused_lines`` lines (None: any
    number), none longer than ``max_line``; stderr's lines short too."""
    assert result.code in (0, 1, 2), str(result)
    assert "Traceback" not in result.stderr, str(result)
    assert "Warning:" not in result.stderr, str(result)
    assert not re.search(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|Skipped line", result.stderr, re.M), str(result)
    # (an iCalendar or vCard export ends its lines with CRLF: the format's own)
    crlf_format = result.argv[-2:] in (["export", "ics"], ["export", "vcard"])
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = CONTROL.search(text.replace("\r\n", "\n") if crlf_format and name == "stdout" else text)
        assert found is None, f"{name} holds {found.group()!r}: {result}"
    for line in result.stderr.splitlines():
        assert len(line) <= max_line, f"a stderr line of {len(line)} characters: {result}"
    if result.code != 0:
        lines = (result.stdout + result.stderr).splitlines()
        assert lines, f"refused in silence: {result}"
        for line in lines:
            assert len(line) <= max_line, f"a line of {len(line)} characters: {result}"
        if refused_lines is not None:
            assert len(result.stderr.splitlines()) <= refused_lines, str(result)


def leftovers(folder: Path) -> list[str]:
    """Temp files of a write left beside the data file."""
    return [name for name in os.listdir(folder) if TEMP_MARK in name]


def kept(data: Path, before: bytes | None) -> bool:
    """The data file holds ``before`` still, or ``before`` is kept in backups/ (every write
    keeps the file it replaces)."""
    now = data.read_bytes() if data.exists() else None
    if now == before or before is None:
        return True
    backups = data.parent / "backups"
    return backups.is_dir() and any(item.read_bytes() == before for item in backups.iterdir())


# -- where each example runs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@contextlib.contextmanager
def workspace(root: Path, data: bytes | None):
    """A folder of its own (0700) for one example, holding ``relance.json`` (0600) with
    ``data`` (no file for None); removed afterwards."""
    folder = Path(tempfile.mkdtemp(dir=root))
    os.chmod(folder, 0o700)
    path = folder / "relance.json"
    if data is not None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    try:
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=1)
def base_files() -> tuple[bytes, dict]:
    """(a data file holding a few records of every kind, as relance wrote it; the export
    of the same data, as a document)."""
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository(Path(folder) / "relance.json", today=TODAY)
        repo.set_settings({"target_monthly": "11000", "daily_rate": "650"})
        zoe = repo.add("contact", {"name": "Zoé Durand", "company": "Acme", "email": "zoe@example.com",
                                   "url": "https://www.linkedin.com/in/zoe", "tags": ["salon"],
                                   "next_follow_up": "2026-11-20", "cadence_days": "30"})
        karim = repo.add("contact", {"name": "Karim Benali", "company": "Zénith", "referred_by": zoe.uid,
                                     "notes": "two\nlines"})
        target = repo.add("target", {"name": "DSI de PME", "decision_maker": "DSI", "need": "audit"})
        opportunity = repo.add("opportunity", {"title": "Audit SI", "contact_uid": karim.uid, "target_uid": target.uid,
                                               "stage": "proposal", "daily_rate": "700", "estimated_days": "20",
                                               "expected_start": "2027-01-04"})
        repo.add("mission", {"client": "Acme", "daily_rate": "650", "start": "2026-09-01", "end": "2027-02-26",
                             "days_per_week": "4", "contact_uid": zoe.uid, "opportunity_uid": opportunity.uid})
        repo.add("interaction", {"contact_uid": zoe.uid, "date": "2026-11-02", "kind": "call", "summary": "Café"})
        export = repo.export()
        repo.close()
        return (Path(folder) / "relance.json").read_bytes(), export


def base_data() -> bytes:
    return base_files()[0]


def contact_uids(path: Path) -> set[str]:
    return {doc["uid"] for doc in json.loads(path.read_bytes())["contacts"].values()}


# -- hostile pieces ----------------------------------------------------------------------------

#: texts a file can hold that have broken something somewhere
TEXT_SEEDS = [
    "", " ", "  padded  ", "Zoé Durand", "王小明", "🎉👨\u200d👩\u200d👧", "Ωmega",
    "\x1b[31mRed\x1b[0m", "Evil\x1b]0;pwned\x07", "\x9b2J", "\x1bc", "\x07", "\x00", "a\x00b", "\x7f", "\x85",
    "\r", "\n", "\r\n", "\r\r\n", "two\nlines", "\t", "\u2028", "\u2029", "\ufeff", "\u202e", "\u200b",
    '"', '""', "'", ",", ";", "\\", "\\n", "\\,", "=", "=HYPERLINK(\"http://x\")", "+33 6 12 34 56 78", "'=1+1",
    "-1", "@SUM(A1)", "zoe@example.com", "not-an-email", "a@b", "https://www.linkedin.com/in/zoe/",
    "http://", "NaN", "Infinity", "1e999", "0", "00", "-0", "null", "true", "[]", "{}",
    "2026-11-27", "2026-02-30", "+3d", "today", "12 Mar 2024", "31 Foo 2022", "99 Mar 2024", "12 Mar 0000",
    "x" * 201, "y" * 2001, "\u00e9" * 300, "natural", "professional", "NATURAL ", "won", "proposal",
    "%s%n%x", "{name}", "{0}", "${HOME}", "$(reboot)", "`id`", "../../etc/passwd", "C:\\x",
]

#: bytes spliced into a file
BYTE_SEEDS = [
    b"\xff", b"\xfe", b"\xc3", b"\xc3(", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x81", b"\x8d\x8f\x90\x9d",
    b"\x00", b"\x1b[31m", b"\x1b]0;x\x07", b"\r", b"\r\r\n", b"\n", b'"', b"'", b",", b";", b"\t",
    b"{", b"}", b"[", b"]", b":", b"\\", b"\\u", b"\\ud800", b"\\udc00\\ud800", b"\xef\xbb\xbf", b"\xfe\xff",
    b"=0D=0A", b"\n ", b"\r\n\t", b"END:VCARD\r\n", b"BEGIN:VCARD\r\n", b"1" * 5000, b"[" * 2000,
]

text_seed = st.sampled_from(TEXT_SEEDS)
#: a text: a seed, random text, or pieces of both joined
hostile_text = st.one_of(
    text_seed,
    st.text(max_size=40),
    st.lists(st.one_of(text_seed, st.text(max_size=8)), min_size=2, max_size=5).map("".join),
)


@st.composite
def mutated_bytes(draw, raw: bytes, most: int = 3) -> bytes:
    """``raw`` with up to ``most`` byte-level changes: cut short, a seed spliced in, a
    slice deleted or repeated, a byte changed."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(0, most))):
        op = draw(st.sampled_from(["truncate", "insert", "insert", "delete", "repeat", "set"]))
        at = draw(st.integers(0, len(data)))
        if op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(BYTE_SEEDS), st.binary(min_size=1, max_size=8)))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif op == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
        elif data and at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


# -- JSON documents with hostile values ---------------------------------------------------------

#: values put in place of a field; the "__...__" strings become raw JSON once dumped
#: (a number of 5,000 digits, nesting 100,000 deep, a lone surrogate: no Python value
#: json.dumps writes as such)
HOSTILE_VALUES = [
    None, True, False, 0, -1, 1.5, -0.0, 2**63, 10**300, 1e308, float("inf"), float("-inf"), float("nan"),
    [], {}, [None], {"a": 1}, [[["deep"]]], ["a", 1, None], {"uid": 1}, "",
    "__HUGE__", "__HUGE_NEG__", "__HUGE_FLOAT__", "__DEEP_100000__", "__DEEP_5000__", "__DEEP_1000__",
    "__DEEP_990__", "__DEEP_950__", "__DEEP_600__", "__DEEP_OBJ_990__", "__SURROGATE__", "__ESC_NUL__",
    "__LONG_LIST__",
]
RAW_JSON = {
    '"__HUGE__"': "1" * 5000,
    '"__HUGE_NEG__"': "-" + "9" * 4301,
    '"__HUGE_FLOAT__"': "1" * 5000 + ".5",
    '"__DEEP_100000__"': "[" * 100000 + "]" * 100000,
    '"__DEEP_5000__"': "[" * 5000 + "]" * 5000,
    '"__DEEP_1000__"': "[" * 1000 + "]" * 1000,
    '"__DEEP_990__"': "[" * 990 + "]" * 990,
    '"__DEEP_950__"': "[" * 950 + "]" * 950,
    '"__DEEP_600__"': "[" * 600 + '"x"' + "]" * 600,
    '"__DEEP_OBJ_990__"': '{"a":' * 990 + "1" + "}" * 990,
    '"__SURROGATE__"': '"a\\ud800b\\udfff"',
    '"__ESC_NUL__"': '"a\\u0000\\u001b[31mb\\u009b"',
    '"__LONG_LIST__"': "[" + ",".join(["\"" + "z" * 50 + "\""] * 3000) + "]",
}
_RAW_JSON = re.compile("|".join(re.escape(k) for k in RAW_JSON))

hostile_value = st.one_of(
    st.sampled_from(HOSTILE_VALUES).map(copy.deepcopy),  # (a copy: a later change must not change the seed)
    hostile_text,
    st.integers(),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=2),
)


def raw_json(text: str) -> str:
    return _RAW_JSON.sub(lambda m: RAW_JSON[m.group()], text)


def _containers(doc, path=()):
    """Every (path, container) in a JSON document."""
    if isinstance(doc, (dict, list)):
        yield path, doc
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for key, value in items:
            yield from _containers(value, (*path, key))


@st.composite
def mutated_doc(draw, doc, most: int = 4):
    """``doc`` (a deep copy) with up to ``most`` changes: a value replaced by a hostile
    one, a key removed or added, a container emptied or of the wrong type."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, most))):
        containers = list(_containers(doc))
        _path, container = draw(st.sampled_from(containers))
        op = draw(st.sampled_from(["set", "set", "set", "delete", "add", "wrong_type", "rekey"]))
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        if op == "add" or not keys:
            if isinstance(container, dict):
                container[draw(st.one_of(st.sampled_from(["uid", "name", "_meta", "contacts", "schema", "format",
                                                          "extra", "1"]), hostile_text))] = draw(hostile_value)
            else:
                container.append(draw(hostile_value))
            continue
        key = draw(st.sampled_from(keys))
        if op == "delete":
            del container[key]
        elif op == "rekey" and isinstance(container, dict):  # (a record's number, a table's name...)
            container[draw(st.one_of(st.sampled_from(["abc", "-1", " 7", "1e3", "\u0663", "01", "", "\x1b[31m"]),
                                     hostile_text))] = container.pop(key)
        elif op == "set":
            container[key] = draw(hostile_value)
        else:
            value = container[key]
            container[key] = ([value] if isinstance(value, dict) else {"0": value} if isinstance(value, list)
                              else draw(st.sampled_from([[], {}, [value], {"v": value}])))
    return doc


@st.composite
def dumped(draw, doc, relance_layout: bool = False) -> bytes:
    """``doc`` as the bytes of a file: as relance writes its data file (one table a block,
    one record a line: the loader's fast path), or json.dumps in a few ways; the
    placeholders become raw JSON; then a BOM, CRLF line ends, a byte-level change."""
    ascii_only = draw(st.booleans())
    if relance_layout and isinstance(doc, dict) and draw(st.booleans()):
        blocks = []
        for name, table in doc.items():
            head = json.dumps(name, ensure_ascii=ascii_only)
            if isinstance(table, dict) and table:
                lines = [f"  {json.dumps(str(k), ensure_ascii=ascii_only)}: "
                         f"{json.dumps(v, ensure_ascii=ascii_only, separators=(',', ':'))}" for k, v in table.items()]
                blocks.append(f"{head}: {{\n" + ",\n".join(lines) + "\n}")
            else:
                blocks.append(f"{head}: {json.dumps(table, ensure_ascii=ascii_only)}")
        text = "{\n" + ",\n".join(blocks) + "\n}\n"
    else:
        text = json.dumps(doc, ensure_ascii=ascii_only, indent=draw(st.sampled_from([None, 1, 2])))
    data = raw_json(text).encode("utf-8", "surrogatepass")  # (a raw lone surrogate: invalid UTF-8)
    if draw(st.integers(0, 9)) == 0:
        data = data.replace(b"\n", b"\r\n")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 4)) == 0:
        data = draw(mutated_bytes(data))
    return data


#: whole files that are not what they should be
ODD_FILES = [
    b"", b" ", b"\n", b"\xef\xbb\xbf", b"\x00", b"\x00" * 100, b"null", b"[]", b"{}", b"0", b'"relance"',
    b"[" * 100000 + b"]" * 100000, b"{" * 3, b'{"a":' * 100000, b"1" * 5000, b"-" + b"1" * 5000,
    b'{"format": "relance", "schema": ' + b"1" * 5000 + b"}", b"\xff\xfe{\x00}\x00", b"\xfe\xff\x00{\x00}",
    b'{"contacts": {"1": {"name": "\\ud800"}}}', b"{\n}\n", b'{\n"_meta": {\n}\n}\n', b"NaN", b"Infinity",
    b"\x1b[31m{}", b"{}\x1b[31m", b"{}{}", b"{} []",
]


# -- relance import json ---------------------------------------------------------------------


@st.composite
def export_files(draw) -> bytes:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.one_of(st.sampled_from(ODD_FILES), st.binary(max_size=64)))
    doc = base_files()[1]
    if choice > 1:
        doc = draw(mutated_doc(doc))
    return draw(dumped(doc))


@fuzz_settings(300)
@given(export=export_files(), mode=st.sampled_from(["replace", "into_records", "into_none"]))
def test_fuzz_import_json(fuzz_root, export, mode):
    with workspace(fuzz_root, None if mode == "into_none" else base_data()) as data:
        source = data.parent / "export.json"
        source.write_bytes(export)
        before = data.read_bytes() if data.exists() else None
        result = relance("--data", str(data), "--today", TODAY.isoformat(), "import", "json", str(source),
                         *(["--replace"] if mode == "replace" else []))
        check_output(result, max_line=MAX_JSON_LINE)
        assert not leftovers(data.parent) and kept(data, before), str(result)
        if result.code != 0 or mode == "into_records":
            assert (data.read_bytes() if data.exists() else None) == before, str(result)
        else:
            listed = relance("--data", str(data), "--today", TODAY.isoformat(), "list", "contacts", "--json")
            assert listed.code == 0, f"{result}\nthen {listed}"


# -- relance import csv ----------------------------------------------------------------------

CSV_HEADER_SEEDS = [
    ["Name", "Company", "Title", "E-mail", "Phone", "URL", "Tags", "Notes"],
    ["First Name", "Last Name", "Email Address", "Company"],
    ["uid", "name", "company", "role", "email", "phone", "url", "circle", "tags", "notes"],
    ["Nom", "Prénom", "Société", "Courriel", "Téléphone"],
    ["Contact", "Société"],
    ["\ufeffName", "Email"],
    ["name", "name", "NAME", " Name "],
    ["Name"],
    ["Company", "Email"],
    [],
    [""],
]
CELL_SEEDS = TEXT_SEEDS + ["z" * 131073, "a,b", 'say "hi"', "line\r\nbreak", "'+33 6", "Zoé;Durand", "a\tb"]
cell = st.one_of(st.sampled_from(CELL_SEEDS), hostile_text)
#: a cell past every field's length, and one at the CSV reader's limit (131,072 characters)
LONG_CELLS = ["y" * 5000, "\u00e9" * 3000, "a@" + "b" * 3000 + ".com", "+33" + "6" * 3000, "natural" * 700,
              "x" * 131072, "x" * 131073]


def naive_row(cells: list[str], delimiter: str) -> str:
    """A row joined without any quoting: commas, quotes, line breaks left as they are."""
    return delimiter.join(cells)


@st.composite
def csv_texts(draw, header_seeds=CSV_HEADER_SEEDS, preamble: list[str] = ()) -> bytes:
    header = draw(st.one_of(st.sampled_from(header_seeds), st.lists(cell, max_size=6)))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=6))
    if rows and draw(st.booleans()):  # a long value in a column of a row: each column is read its own way
        row = draw(st.sampled_from(rows))
        row[:] = row + [""] * (width - len(row))
        row[draw(st.integers(0, width - 1))] = draw(st.sampled_from(LONG_CELLS))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r\r\n", "\r"]))
    style = draw(st.sampled_from(["minimal", "all", "naive"]))
    out = io.StringIO()
    for line in preamble:
        out.write(line + ending)
    if style == "naive":
        for row in [header, *rows]:
            out.write(naive_row(row, delimiter) + ending)
    else:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=ending,
                            quoting=csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "utf-16", "latin-1"]))
    data = text.encode(encoding, "replace" if encoding != "utf-8" else "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = draw(mutated_bytes(data))
    return data


MAP_SEEDS = ["", "name=Contact", "name=Contact,company=Société", "name=Name", "uid=Name", "foo=bar", "name",
             "name=", "=Name", ",,,", "name=Missing", "email=E-mail,email=Company", "name=\x1b[31m", "name=" + "h" * 500]


def import_contacts_argv(draw, data: Path, source: Path, kind: str) -> list[str]:
    argv = ["--data", str(data), "--today", TODAY.isoformat(), "import", kind, str(source)]
    if kind == "csv" and draw(st.integers(0, 3)) == 0:
        argv.append("--map=" + draw(st.one_of(st.sampled_from(MAP_SEEDS), st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=20))))
    if draw(st.booleans()):
        argv += ["--circle", draw(st.sampled_from(["natural", "professional"]))]
    for tag in draw(st.lists(st.sampled_from(["linkedin", "salon", "a,b", "Zoé", "x" * 60]), max_size=2)):
        argv.append("--tag=" + tag)
    if draw(st.integers(0, 3)) == 0:
        argv.append("--dry-run")
    return argv


def check_contacts_import(fuzz_root: Path, draw, kind: str, content: bytes) -> None:
    with workspace(fuzz_root, base_data()) as data:
        source = data.parent / {"csv": "contacts.csv", "linkedin": "Connections.csv", "vcard": "contacts.vcf"}[kind]
        source.write_bytes(content)
        before = data.read_bytes()
        argv = import_contacts_argv(draw, data, source, kind)
        result = relance(*argv)
        # a refusal is a line; an import's report, a line per row with a problem
        check_output(result, refused_lines=1)
        assert not leftovers(data.parent) and kept(data, before), str(result)
        if result.code != 0 or "--dry-run" in argv:
            assert data.read_bytes() == before, str(result)
        else:
            assert contact_uids(data) >= {d["uid"] for d in json.loads(before)["contacts"].values()}, str(result)
            listed = relance("--data", str(data), "--today", TODAY.isoformat(), "list", "contacts")
            assert listed.code == 0, f"{result}\nthen {listed}"


@fuzz_settings(300)
@given(data=st.data())
def test_fuzz_import_csv(fuzz_root, data):
    check_contacts_import(fuzz_root, data.draw, "csv", data.draw(csv_texts()))


# -- relance import linkedin -----------------------------------------------------------------

LINKEDIN_PREAMBLE = [
    "Notes:",
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    'You will only see email addresses for connections who have allowed it, see https://www.linkedin.com/psettings"',
    "",
]
LINKEDIN_HEADER_SEEDS = [
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
    ["Prénom", "Nom", "URL", "Adresse e-mail", "Entreprise", "Poste", "Date de connexion"],
    ["Vorname", "Nachname", "URL", "E-Mail-Adresse", "Unternehmen", "Position", "Verbunden am"],
    ["First Name", "Last Name", "Connected On"],
    ["First Name", "Last Name", "URL", "URL", "First Name"],
    ["\ufeffFirst Name", "Last Name", "Email Address"],
    ["First Name", "Last Name"],
]


@st.composite
def linkedin_texts(draw) -> bytes:
    preamble = draw(st.sampled_from([[], LINKEDIN_PREAMBLE, LINKEDIN_PREAMBLE[:1], ["Notes:", '"unterminated, note']]))
    return draw(csv_texts(header_seeds=LINKEDIN_HEADER_SEEDS, preamble=preamble))


@fuzz_settings(250)
@given(data=st.data())
def test_fuzz_import_linkedin(fuzz_root, data):
    check_contacts_import(fuzz_root, data.draw, "linkedin", data.draw(linkedin_texts()))


# -- relance import vcard --------------------------------------------------------------------

PROPERTY_SEEDS = [
    "VERSION:3.0", "VERSION:4.0", "VERSION:2.1", "VERSION:9.9", "VERSION:", "PROFILE:VCard", "PROFILE:VCALENDAR",
    "FN:Zoé Durand", "FN:", "FN;CHARSET=UTF-8:Zoé", "N:Durand;Zoé;;;", "N:;;;;", "N:a;b;c;d;e;f;g", "N:",
    "N;ENCODING=QUOTED-PRINTABLE:=C3=A9;=1B[31m", "ORG:Durand\\, Fils & Cie;Dept", "ORG:;;", "TITLE:DSI",
    "EMAIL;TYPE=INTERNET:zoe@example.com", "EMAIL:not-an-email", "EMAIL;TYPE=INTERNET,WORK:a@b.co",
    "TEL;TYPE=CELL:+33 6 12 34 56 78", "TEL;VALUE=uri:tel:+33-6", "TEL:=1+1", "URL:https://example.com/zoe",
    "NOTE:line one\\nline two\\, more", "NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=0D=0A=1B[31mred=",
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E2=80=AE=", "NOTE:\\", "NOTE:" + "n" * 3000,
    "CATEGORIES:salon,achats", "CATEGORIES:,,", "CATEGORIES:" + ",".join(["t"] * 500),
    "UID:urn:uuid:9b2f0000-0000-4000-8000-000000000000", "UID:" + "0" * 36, "UID:\x1b[31m",
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ", "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZ===",
    "PHOTO;ENCODING=b:!!!not base64", "PHOTO;VALUE=uri:http://example.com/p.jpg", "PHOTO;ENCODING=b:A",
    "KEY;ENCODING=b:QUJD", "BDAY:2026-02-30", "BDAY:--0203", "REV:not-a-date", "ADR:;;1 rue;Paris;;75001;FR",
    "X-FOO;PARAM=\"unterminated:value", "X-FOO;=:x", ";:", ":", "NOPROPERTY", "FN", "item1.EMAIL:a@b.co",
    "item1.X-ABLabel:_$!<Home>!$_", "AGENT:BEGIN:VCARD", "BEGIN:VCARD", "END:VCARD", "BEGIN:VCALENDAR",
    "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:", "END:", "begin:vcard", "end:vcard",
    "X-\x1b]0;pwned\x07:v", "FN:\x1b[31mRed\x1b[0m", "FN:\x00", "FN:" + "f" * 2500, "TZ:+01:00", "GEO:1;2",
]
prop_line = st.one_of(
    st.sampled_from(PROPERTY_SEEDS),
    st.builds(lambda name, value: f"{name}:{value}", st.sampled_from(["FN", "N", "ORG", "NOTE", "EMAIL", "TEL",
                                                                        "CATEGORIES", "X-CUSTOM", "UID", "TITLE"]),
              hostile_text),
)


@st.composite
def vcard_texts(draw) -> bytes:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        lines.append("BEGIN:VCARD")
        lines += draw(st.lists(prop_line, max_size=7))
        if draw(st.integers(0, 4)):
            lines.append("END:VCARD")
        lines += draw(st.lists(prop_line, max_size=2))  # (after END:VCARD: outside any card)
    if draw(st.integers(0, 4)) == 0 and lines:  # lines moved, dropped, repeated
        lines = draw(st.permutations(lines))
    if draw(st.integers(0, 2)) == 0:  # folding: a line cut, the rest on the next after a space or a tab
        folded = []
        for line in lines:
            while len(line) > 75 or (line and draw(st.integers(0, 5)) == 0):
                at = draw(st.integers(1, max(1, min(len(line), 75))))
                folded.append(line[:at])
                line = draw(st.sampled_from([" ", "\t"])) + line[at:]
                if len(folded) > 200:
                    break
            folded.append(line)
        lines = folded
    ending = draw(st.sampled_from(["\r\n", "\n", "\r", "\r\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from([ending, "", ending * 2]))
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "utf-16"])), "replace")
    if draw(st.integers(0, 3)) == 0:
        data = draw(mutated_bytes(data))
    return data


@fuzz_settings(300)
@given(data=st.data())
def test_fuzz_import_vcard(fuzz_root, data):
    check_contacts_import(fuzz_root, data.draw, "vcard", data.draw(vcard_texts()))


# -- the data file: relance list, status, doctor -----------------------------------------------


@st.composite
def data_files(draw) -> bytes:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.one_of(st.sampled_from(ODD_FILES), st.binary(max_size=64)))
    if choice <= 2:  # schema 0 (no _meta, document ids as references): migrated when opened
        doc = json.loads(SCHEMA_0.read_bytes()) if choice == 1 else {k: v for k, v in json.loads(base_data()).items()
                                                                      if k != "_meta"}
        if draw(st.booleans()):
            doc = draw(mutated_doc(doc))
    else:
        doc = draw(mutated_doc(json.loads(base_data())))
    return draw(dumped(doc, relance_layout=True))


READ_COMMANDS = [["list", "contacts"], ["status"], ["doctor"]]
MORE_COMMANDS = [["list", "contacts", "--json"], ["list", "opportunities"], ["list", "missions", "--json"],
                 ["list", "interactions"], ["status", "--json"], ["status", "--short"], ["export", "json"],
                 ["export", "csv"], ["export", "vcard"], ["export", "ics"]]


@fuzz_settings(400)
@given(content=data_files(), extra=st.sampled_from(MORE_COMMANDS))
def test_fuzz_data_file(fuzz_root, content, extra):
    with workspace(fuzz_root, content) as data:
        for command in [*READ_COMMANDS, extra]:
            before = data.read_bytes()
            result = relance("--data", str(data), "--today", TODAY.isoformat(), *command)
            # doctor: a line per finding; the others: a line
            check_output(result, refused_lines=None if command == ["doctor"] else 1)
            if command[0] == "doctor":
                # (a finding quotes the file's problem: short lines, on stdout)
                for line in result.stdout.splitlines():
                    assert len(line) <= MAX_LINE, f"a line of {len(line)} characters: {result}"
            assert not leftovers(data.parent) and kept(data, before), str(result)
            if result.code != 0 or command[0] == "doctor":
                assert data.read_bytes() == before, f"{command}: the file changed: {result}"


def data_file(tmp_path: Path, content: bytes | dict) -> Path:
    """A data file (0600, in a folder of its own) holding ``content``."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700, parents=True)
    path = folder / "relance.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    os.chmod(path, 0o600)
    return path


# -- the harness itself ------------------------------------------------------------------------


@pytest.mark.parametrize("kind,content", [
    ("json", b'{"format": "relance", "schema": 1, "contacts": [{"name": 1}]}'),
    ("json", b"[" * 100000),
    ("csv", b"Company\nAcme\n"),
    ("csv", b"Name,Email\n\x1b[31mZo\xc3\xa9,zoe@example.com\n,\nX,not-an-email\n"),
    ("vcard", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nEND:VCARD\r\nNOTE:after\r\n"),
    ("linkedin", b"Notes:\nFirst Name,Last Name,URL\n,,\n"),
], ids=["json-field", "json-deep", "csv-no-name", "csv-rows", "vcard-after-end", "linkedin-no-name"])
def test_in_process_runs_are_the_console_script_s_runs(tmp_path, kind, content):
    """The in-process runs above are what the installed command does: the same exit
    status and the same words, for a refusal and for a dry run."""
    data = tmp_path / "data" / "relance.json"
    data.parent.mkdir(mode=0o700)
    data.write_bytes(base_data())
    os.chmod(data, 0o600)
    source = tmp_path / f"input.{kind}"
    source.write_bytes(content)
    argv = ["--data", str(data), "--today", TODAY.isoformat(), "import", kind, str(source)]
    if kind != "json":
        argv.append("--dry-run")
    here = relance(*argv)
    child = run_relance(*argv)
    assert (here.code, here.stdout, here.stderr) == (child.returncode, child.stdout, child.stderr)
    check_output(here)


# -- the harness itself, on the data file ----------------------------------------------------


@pytest.mark.parametrize("content", [
    b'{"contacts": {"abc": {"uid": "0123456789abcdef", "name": "A"}}}',
    b'{"\\u001b[31mevil": {}}',
    b'{"contacts": {"1": {"uid": "0123456789abcdef", "name": "a\\ud800b"}}}',
], ids=["key-not-a-number", "table-name-escape", "lone-surrogate"])
def test_in_process_reads_of_a_data_file_are_the_console_script_s(tmp_path, content):
    data = data_file(tmp_path, content)
    for command in (["list", "contacts"], ["doctor"]):
        argv = ["--data", str(data), "--today", TODAY.isoformat(), *command]
        here = relance(*argv)
        child = run_relance(*argv)
        assert (here.code, here.stdout, here.stderr) == (child.returncode, child.stdout, child.stderr)
        check_output(here, refused_lines=None if command == ["doctor"] else 1)
