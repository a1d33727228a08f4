"""``relance edit KIND REF --field VALUE`` and ``relance rm KIND REF [--yes]`` (issue 20,
point 2), and the line-break rule of ``add`` and ``edit`` (point 10, the CLI part): the
real command on a real data file."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.fields import Text
from store.models import MODELS
from tui.cli import ADDABLE, main

from .conftest import ROOT, TODAY, run_relance
from .test_outside import one_line_refusal


def relance(path: Path, *args: str, env: dict[str, str] | None = None, input: str | None = "") -> subprocess.CompletedProcess:
    """The real command; its standard input a pipe (not a terminal) unless said."""
    return run_relance("--data", str(path), "--today", TODAY.isoformat(), *args, env=env, input=input)


def docs(path: Path, table: str) -> list[dict]:
    return list(json.loads(path.read_text(encoding="utf-8")).get(table, {}).values())


def add(path: Path, kind: str, *args: str) -> str:
    result = relance(path, "add", kind, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# -- edit --------------------------------------------------------------------------------


def test_edit_by_name_changes_only_the_fields_given_and_list_shows_it(data_path):
    uid = add(data_path, "contact", "--name", "Zoé Durand", "--company", "Acme", "--role", "CTO")
    result = relance(data_path, "edit", "contact", "zoé durand", "--company", "Globex")
    assert result.returncode == 0, result.stderr
    assert result.stdout == uid + "\n"
    assert result.stderr.splitlines() == [f"Changed the contact 'Zoé Durand' ({uid[:8]}):", "  --company: 'Acme' → 'Globex'"]
    listed = relance(data_path, "list", "contacts")
    assert "Globex" in listed.stdout and "Acme" not in listed.stdout
    [doc] = docs(data_path, "contacts")
    assert doc["role"] == "CTO" and doc["name"] == "Zoé Durand" and doc["uid"] == uid


def test_edit_takes_a_plural_kind_a_uid_prefix_and_references_by_name(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    target = add(data_path, "target", "--name", "DSI de PME")
    opportunity = add(data_path, "opportunity", "--title", "Audit SI")
    result = relance(data_path, "edit", "opportunities", opportunity[:8], "--contact", "Zoé", "--target", "DSI de PME")
    assert result.returncode == 0, result.stderr
    assert "  --contact: '' → 'Zoé Durand'" in result.stderr.splitlines()
    [doc] = docs(data_path, "opportunities")
    assert doc["target_uid"] == target and doc["contact_uid"] == docs(data_path, "contacts")[0]["uid"]


def test_an_empty_value_empties_an_optional_field_and_a_required_one_is_refused(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    add(data_path, "opportunity", "--title", "Audit SI", "--organisation", "Acme", "--contact", "Zoé Durand")
    result = relance(data_path, "edit", "opportunity", "Audit SI", "--organisation", "", "--contact", "")
    assert result.returncode == 0, result.stderr
    [doc] = docs(data_path, "opportunities")
    assert doc["organisation"] == "" and doc["contact_uid"] is None
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "opportunity", "Audit SI", "--title", ""), status=2)
    assert line == "relance edit opportunity: error: --title: is required. Nothing was changed."
    assert data_path.read_bytes() == before


def test_edit_without_a_field_names_the_options_and_writes_nothing(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "contact", "Zoé Durand"), status=2)
    assert line.startswith("relance edit contact: error: nothing to change: give one or more of --name, --company,")
    assert "--targets" in line and "--notes" in line and "--review" not in line
    assert data_path.read_bytes() == before


def test_a_mission_ending_before_its_start_is_refused_and_nothing_written(data_path):
    add(data_path, "mission", "--client", "Acme", "--title", "Audit", "--start", "2026-01-05", "--end", "2026-03-31",
        "--daily-rate", "600")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "mission", "Audit", "--end", "2025-12-01"), status=2)
    assert line == ("relance edit mission: error: --end: the end 2025-12-01 is before the start 2026-01-05. "
                    "Nothing was changed.")
    assert data_path.read_bytes() == before


def test_a_refused_value_is_one_line_naming_the_field(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "contact", "Zoé Durand", "--email", "nope"), status=2)
    assert line.startswith("relance edit contact: error: --email: expected an e-mail address")
    line = one_line_refusal(relance(data_path, "edit", "contact", "Zoé Durand", "--referred-by", "Nobody"), status=2)
    assert line == "relance edit contact: error: --referred-by: No contact is named 'Nobody'."
    assert data_path.read_bytes() == before


def test_the_same_values_again_change_nothing(data_path):
    add(data_path, "contact", "--name", "Zoé Durand", "--company", "Acme")
    before = data_path.read_bytes()
    result = relance(data_path, "edit", "contact", "Zoé Durand", "--company", "Acme")
    assert result.returncode == 0 and "Nothing to change" in result.stderr
    assert data_path.read_bytes() == before


@pytest.mark.parametrize("command", [["edit", "contact", "Zoé", "--role", "CTO"], ["rm", "contact", "Zoé", "--yes"]])
def test_an_ambiguous_or_unknown_ref_names_the_candidates(data_path, command):
    first = add(data_path, "contact", "--name", "Zoé Durand")
    second = add(data_path, "contact", "--name", "Zoé Martin")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, *command), status=2)
    assert line == (f"relance {command[0]} contact: error: 2 records of kind contact match 'Zoé': Zoé Durand ({first[:8]}), "
                    f"Zoé Martin ({second[:8]}). Give the uid instead.")
    unknown = [*command[:2], "Léa", *command[3:]]
    line = one_line_refusal(relance(data_path, *unknown), status=2)
    assert line == f"relance {command[0]} contact: error: No contact is named 'Léa'."
    assert data_path.read_bytes() == before


def test_edit_and_rm_share_the_options_and_kinds_of_add():
    """The options of edit are those of add (one generator), less --force."""
    from tui.cli import build_parser

    parser = build_parser()

    def options(*path: str) -> set[str]:
        sub = parser
        for name in path:
            sub = next(a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction").choices[name]
        return {o for a in sub._actions for o in a.option_strings}

    for kind in ADDABLE:
        assert options("edit", kind) == options("add", kind) - {"--force"}, kind
        assert options("edit", MODELS[kind].TABLE) == options("edit", kind)


def test_help_of_edit_and_rm(data_path):
    edit = relance(data_path, "edit", "contact", "--help")
    assert edit.returncode == 0 and "--company VALUE" in edit.stdout and '"" empties it' in " ".join(edit.stdout.split())
    assert "line breaks are kept" in edit.stdout
    rm = relance(data_path, "rm", "--help")
    assert rm.returncode == 0 and "--yes" in rm.stdout and "relance restore" in " ".join(rm.stdout.split())
    top = relance(data_path, "--help")
    assert "edit" in top.stdout and "rm" in top.stdout


# -- rm ----------------------------------------------------------------------------------


def test_rm_without_yes_off_a_terminal_is_refused(data_path):
    uid = add(data_path, "contact", "--name", "Zoé Durand")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "rm", "contact", "Zoé Durand", input="y\n"), status=2)
    assert line == (f"relance rm contact: error: not deleted: there is no terminal to ask whether to delete the contact "
                    f"'Zoé Durand' (uid {uid[:8]}); add --yes to delete it without a question.")
    assert data_path.read_bytes() == before


def test_rm_with_yes_deletes_and_names_the_backup_that_restore_puts_back(data_path):
    uid = add(data_path, "target", "--name", "DSI de PME")
    result = relance(data_path, "rm", "targets", "DSI", "--yes")
    assert result.returncode == 0 and result.stdout == ""
    line = one_line_refusal(result, status=0)
    assert line.startswith(f"Deleted the micro-target 'DSI de PME' (uid {uid[:8]}). The file as it was is kept in ")
    backup = Path(line.split("kept in ")[1].split(":")[0])
    assert backup.is_file() and f"relance restore {backup.name} puts it back" in line
    assert docs(data_path, "targets") == []
    assert relance(data_path, "restore", backup.name).returncode == 0
    assert [d["uid"] for d in docs(data_path, "targets")] == [uid]


def test_rm_of_a_record_others_refer_to_is_refused_naming_them(data_path):
    """As the dashboard's d: the store's rule and sentence."""
    target = add(data_path, "target", "--name", "DSI de PME")
    add(data_path, "contact", "--name", "Zoé Durand", "--targets", "DSI de PME")
    add(data_path, "opportunity", "--title", "Audit SI", "--contact", "Zoé Durand", "--target", target)
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "rm", "contact", "Zoé Durand", "--yes"))
    assert line == ("relance: Cannot delete the contact 'Zoé Durand': 1 record refers to it: opportunity 'Audit SI' "
                    "(contact). Change or delete it first.")
    line = one_line_refusal(relance(data_path, "rm", "target", "DSI de PME", "--yes"))
    assert "2 records refer to it" in line
    assert "contact 'Zoé Durand' (micro-targets)" in line and "opportunity 'Audit SI' (micro-target)" in line
    assert data_path.read_bytes() == before


def test_rm_of_a_contact_deletes_its_interactions_with_it_and_says_so(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    other = add(data_path, "contact", "--name", "Léa Roux")
    for day in ("2026-11-02", "2026-11-20"):
        add(data_path, "interaction", "--contact", "Zoé Durand", "--date", day, "--summary", "call")
    add(data_path, "interaction", "--contact", "Léa Roux", "--date", "2026-11-03")
    result = relance(data_path, "rm", "contact", "Zoé Durand", "--yes")
    assert result.returncode == 0, result.stderr
    assert "and its 2 logged interactions." in result.stderr
    assert [d["uid"] for d in docs(data_path, "contacts")] == [other]
    assert [d["contact_uid"] for d in docs(data_path, "interactions")] == [other]


def _on_a_terminal(args: list[str], answer: str | None) -> tuple[int, str]:
    """``relance ARGS`` with a pseudo-terminal as its stdin and stderr: waits for the
    question, types ``answer`` and Enter (None: ends the input instead); returns the exit
    status and what the terminal showed."""
    master, slave = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, stdin=slave, stderr=slave,
                               stdout=subprocess.DEVNULL, env={**os.environ, "LANGUAGE": "en"})
    os.close(slave)
    shown = b""

    def read(until: float) -> None:
        nonlocal shown
        while time.monotonic() < until:
            ready, _w, _x = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # (the child is gone: EIO)
                    return
                if not chunk:
                    return
                shown += chunk
                if b"[y/N]" in shown and answer is not ...:
                    return
            elif process.poll() is not None:
                return

    try:
        read(time.monotonic() + 30)
        assert b"[y/N]" in shown, shown
        os.write(master, (answer + "\n").encode() if answer is not None else b"\x04")
        answer = ...  # (now read to the end)
        process.wait(timeout=30)
        read(time.monotonic() + 2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return process.returncode, shown.decode("utf-8", "replace")


@pytest.mark.parametrize("answer, deleted", [
    ("y", True), ("yes", True), ("oui", True), ("O", True), ("n", False), ("", False), (None, False), ("maybe", False),
])
def test_rm_on_a_terminal_asks_and_deletes_only_on_yes(data_path, answer, deleted):
    uid = add(data_path, "contact", "--name", "Zoé Durand")
    add(data_path, "interaction", "--contact", "Zoé Durand", "--date", "2026-11-02")
    before = data_path.read_bytes()
    status, shown = _on_a_terminal(["--data", str(data_path), "--today", TODAY.isoformat(), "rm", "contact", "Zoé"], answer)
    assert (f"Delete the contact 'Zoé Durand' (uid {uid[:8]})? Its 1 logged interaction will be deleted with it. "
            "[y/N]") in shown
    if deleted:
        assert status == 0 and "Deleted the contact 'Zoé Durand'" in shown and "relance restore" in shown
        assert docs(data_path, "contacts") == [] and docs(data_path, "interactions") == []
    else:
        assert status == 1 and "Nothing was deleted." in shown
        assert data_path.read_bytes() == before


def test_rm_with_yes_on_a_terminal_does_not_ask(data_path):
    add(data_path, "contact", "--name", "Zoé Durand")
    master, slave = os.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data_path), "rm", "contact", "Zoé", "-y"],
                                cwd=ROOT, stdin=slave, capture_output=True, text=True, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 0 and "[y/N]" not in result.stderr and docs(data_path, "contacts") == []


# -- refusals without a traceback ----------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["rm", "widgets", "x", "--yes"], ["rm", "contact"], ["rm"], ["edit"], ["edit", "contact"],
    ["edit", "widgets", "x", "--name", "A"], ["edit", "review", "x", "--name", "A"], ["edit", "contact", "x", "--nope", "1"],
])
def test_a_bad_kind_or_a_missing_ref_is_one_line(data_path, args):
    add(data_path, "contact", "--name", "Zoé Durand")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, *args), status=2)
    assert line.startswith("relance") and "error:" in line
    assert data_path.read_bytes() == before


@pytest.mark.parametrize("command", [["edit", "contact", "Zoé", "--company", "Acme"], ["rm", "contact", "Zoé", "--yes"]])
def test_a_held_lock_is_said_and_nothing_written(data_path, command):
    add(data_path, "contact", "--name", "Zoé Durand")
    before = data_path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(60)", str(data_path) + ".lock"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        line = one_line_refusal(relance(data_path, *command, env={"RELANCE_LOCK_TIMEOUT": "0.5"}))
        assert str(data_path) + ".lock" in line and f"process {holder.pid}" in line
    finally:
        holder.kill()
        holder.wait()
    assert data_path.read_bytes() == before


def test_a_read_only_file_system_is_said(read_only_mount):  # noqa: F811
    path = read_only_mount / "relance.json"
    add(path, "contact", "--name", "Zoé Durand")
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)], check=True)
    before = path.read_bytes()
    for command in (["edit", "contact", "Zoé", "--company", "Acme"], ["rm", "contact", "Zoé", "--yes"]):
        line = one_line_refusal(relance(path, *command))
        assert "read-only file system" in line, (command, line)
    assert path.read_bytes() == before


# -- line breaks: kept in a text of several lines, refused in any other field ---------------

#: what each kind needs besides the field tried
REQUIRED = {
    "contact": ["--name", "Zoé Durand"], "target": ["--name", "DSI"], "opportunity": ["--title", "Audit"],
    "mission": ["--client", "Acme", "--start", "2026-01-05", "--end", "2026-03-31", "--daily-rate", "600"],
    "interaction": ["--contact", "Zoé Durand", "--date", "2026-11-02"],
    "time_off": ["--start", "2026-12-21", "--end", "2027-01-01"],
}


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def _text_fields(kind: str) -> list[tuple[str, Text]]:
    from tui.cli_commands import flag, given_fields

    types = MODELS[kind].field_types()
    return [(flag(name), types[name]) for name in given_fields(MODELS[kind]) if isinstance(types[name], Text)]


@pytest.mark.parametrize("kind", ADDABLE)
def test_line_breaks_are_kept_in_long_texts_and_refused_in_lines_by_add_and_edit(data_path, capsys, kind):
    """Every text field of every kind, by its type: a text of several lines (notes, a
    mission's "sold as", an interaction's summary) keeps "a\\nb" as typed, in add and edit;
    any other refuses it in one line naming the field, and nothing is written."""
    data = ("--data", str(data_path), "--today", TODAY.isoformat())
    assert _main(capsys, *data, "add", "contact", "--name", "Zoé Durand")[0] == 0
    fields = _text_fields(kind)
    assert any(ftype.multiline for _f, ftype in fields)
    status, uid, err = _main(capsys, *data, "add", kind, *REQUIRED[kind], "--force")
    assert status == 0, err
    for option, ftype in fields:
        if option in REQUIRED[kind]:
            continue
        value = "first line\nsecond\tline"
        before = data_path.read_bytes()
        added = _main(capsys, *data, "add", kind, *REQUIRED[kind], option, value, "--force")
        edited = _main(capsys, *data, "edit", kind, uid.strip(), option, value)
        if ftype.multiline:
            assert added[0] == 0 and edited[0] == 0, (option, added, edited)
            stored = [getattr(r, option[2:].replace("-", "_")) for r in _records(data_path, kind)]
            assert stored.count(value) == 2, (option, stored)  # (the one added, the one edited)
        else:
            for command, (status, out, err) in (("add", added), ("edit", edited)):
                assert status == 2 and out == "", (option, err)
                typed = option.removesuffix("-uid")  # (--contact, as typed, for --contact-uid)
                assert err.startswith(f"relance {command} {kind}: error: {typed}: one line only, and the value holds a "
                                      "line break (line breaks are kept in --"), (option, err)
                assert len(err.strip().splitlines()) == 1
            assert data_path.read_bytes() == before, option


def _records(path: Path, kind: str):
    from store.repository import Repository

    repo = Repository(path, today=TODAY)
    try:
        return repo.list(kind)
    finally:
        repo.close()


def test_a_line_break_in_a_name_is_refused_with_the_fields_that_keep_them(data_path):
    line = one_line_refusal(relance(data_path, "add", "contact", "--name", "Zoé\nDurand"), status=2)
    assert line == ("relance add contact: error: --name: one line only, and the value holds a line break (line breaks "
                    "are kept in --notes).")
    assert not data_path.exists()
    add(data_path, "mission", *REQUIRED["mission"], "--sold-as", "an audit\nthen a plan")
    result = relance(data_path, "edit", "mission", "Acme", "--notes", "a\r\nb", "--title", "Audit")
    assert result.returncode == 0, result.stderr
    assert "  --notes: '' → 'a\\nb'" in result.stderr.splitlines()  # (shown on one line)
    [doc] = docs(data_path, "missions")
    assert doc["sold_as"] == "an audit\nthen a plan" and doc["notes"] == "a\nb"
