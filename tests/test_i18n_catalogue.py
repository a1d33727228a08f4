"""The French catalogue is complete and in step with the code: every text the code marks
is in it, translated, not fuzzy, with the same placeholders; and it is found and loaded
the way a fresh checkout or ``pip install .`` has it (the ``.po`` alone, no ``.mo``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from store import i18n

from .conftest import ROOT

PO = ROOT / "store" / "locale" / "fr" / "LC_MESSAGES" / "relance.po"
#: a placeholder: ``{name}``, ``{value!r}``, ``{amount:>8}``, and argparse's ``%(prog)s`` and ``%s``
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="fr")


def extracted(tmp_path: Path):
    """The texts the code marks today, extracted as the docs say (docs/TRANSLATING.md)."""
    pot = tmp_path / "relance.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "pgettext:1c,2", "-o", str(pot), "store", "tui", "widgets", "themes", "seeds"],
        cwd=ROOT, check=True, capture_output=True,
    )
    return read(pot)


def key(message) -> tuple:
    return (message.context, message.id)


def test_the_catalogue_holds_every_text_the_code_marks_and_no_other(tmp_path):
    code = {key(m) for m in extracted(tmp_path) if m.id}
    catalogue = {key(m) for m in read(PO) if m.id}
    missing = sorted(str(k) for k in code - catalogue)
    gone = sorted(str(k) for k in catalogue - code)
    assert not missing, f"{len(missing)} texts to add to the catalogue (pybabel update, docs/TRANSLATING.md):\n" + "\n".join(missing[:40])
    assert not gone, f"{len(gone)} entries the code no longer uses:\n" + "\n".join(gone[:40])


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = read(PO)
    assert catalogue.num_plurals == 2 and "(n > 1)" in catalogue.plural_expr
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated:\n" + "\n".join(map(str, untranslated[:40]))
    assert not fuzzy, f"{len(fuzzy)} fuzzy:\n" + "\n".join(map(str, fuzzy[:40]))


def test_each_translation_keeps_the_placeholders_and_the_edges():
    wrong = []
    for message in read(PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # (a translation may leave a value out — French "une relance" for "{count} follow-up" —
        # but never ask for one the code does not give)
        allowed = {found for text in ids for found in PLACEHOLDER.findall(text)}
        for text in strings:
            if text and not set(PLACEHOLDER.findall(text)) <= allowed:
                wrong.append(f"{ids[0]!r} → {text!r}")
            if text and (ids[0].endswith("\n") != text.endswith("\n") or ids[0].startswith("\n") != text.startswith("\n")):
                wrong.append(f"line ends differ: {ids[0]!r} → {text!r}")
    assert not wrong, "\n".join(wrong[:40])


def test_a_fresh_checkout_reads_the_po_when_no_mo_is_there(tmp_path, monkeypatch):
    """``pip install .`` ships the .po; ./dev.sh compiles a .mo beside it. Either way French."""
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "relance.po")
    try:
        assert i18n.available(tmp_path / "locale") == ("en", "fr")
        assert i18n.set_language("fr", localedir=tmp_path / "locale")
        assert i18n.language() == "fr"
        assert i18n._("Network") == "Réseau"
    finally:
        i18n.set_language(None)
    assert i18n._("Network") == "Network"


def test_a_stale_mo_is_not_used(tmp_path):
    """A .po edited after its .mo was compiled wins: a translator sees the change at once."""
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    from .test_i18n import write_mo

    write_mo(folder / "relance.mo", {"Network": "Vieux réseau"})
    (folder / "relance.po").write_bytes(PO.read_bytes())
    import os

    os.utime(folder / "relance.mo", (1, 1))
    try:
        i18n.set_language("fr", localedir=tmp_path / "locale")
        assert i18n._("Network") == "Réseau"
    finally:
        i18n.set_language(None)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANGUAGE": "fr:en"}, "fr"),
        ({"LC_ALL": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "C"}, "en"),
        ({"LANGUAGE": "de:fr"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "en:fr"}, "en"),
        ({}, "en"),
    ],
)
def test_the_environment_chooses_as_gettext_does(monkeypatch, environment, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert i18n.resolve("") == expected
    assert i18n.resolve("en") == "en" and i18n.resolve("fr") == "fr"


#: the French that is spelt as the English (reviewed: the same word in both languages); a
#: new entry copied from its English fails below until it is translated or reviewed here
SAME_IN_FRENCH = {
    ("circle", "pro"), ("target status", "active"), ("interaction kind", "message"), ("doctor", "ok"),
    (None, "uid"), (None, "contact"), (None, "mission"), (None, "{count} contact"), (None, "{count} mission"),
    (None, "Organisation"), (None, "Note"), (None, "{reason} ({where})."), (None, "e-mail"), (None, "Missions"),
    (None, "Date"), (None, "Pipeline"), (None, "E-mail"), (None, "URL"), (None, "Notes"),
    (None, "Client"), (None, "Subdivision"), (None, "Expertise"), (None, "Mission"), (None, "Contacts n/p"),
    (None, "{count} {stage}"), (None, "relance — {date}"), (None, "palette"),
    ("command-line placeholder", "N"), ("command-line placeholder", "FORMAT"), ("command-line placeholder", "SHELL"),
    (None, "{kind} {label!r} ({field})"), (None, "{date} {kind}"), (None, "{note} ({period})"),
    ("command-line placeholder", "ACTION"), ("command-line placeholder", "CODE"),
}


def test_an_entry_left_in_english_is_one_reviewed_as_french_too():
    same = set()
    for message in read(PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(strings) <= set(ids):
            same.add((message.context, ids[0]))
    assert same - SAME_IN_FRENCH == set(), "copied from the English, not translated"


# -- a damaged catalogue: English, never a traceback ------------------------------------------------


@pytest.fixture
def damaged(tmp_path):
    """A copy of the French catalogue to damage, in a folder of its own."""
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    yield folder
    i18n.set_language(None)


def _po_with(folder: Path, *changes: tuple[str, str]) -> None:
    text = PO.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    (folder / "relance.po").write_text(text, encoding="utf-8")


def test_a_translation_with_placeholders_the_code_does_not_pass_gives_the_english(damaged):
    _po_with(damaged, ('msgstr "{value!r} n\'est pas une date qui existe."', 'msgstr "{value} {day} n\'existe pas {"'),
             ('msgstr[1] "{count} relances à faire"', 'msgstr[1] "{count} relances {n}"'))
    i18n.set_language("fr", localedir=damaged.parent.parent)
    assert i18n._("{value!r} is not a real date.").format(value="31/02") == "'31/02' is not a real date."
    assert i18n.ngettext("{count} follow-up due", "{count} follow-ups due", 3).format(count=3) == "3 follow-ups due"
    assert i18n._("Network") == "Réseau"  # (the rest of the catalogue is read)


def test_a_translation_holding_terminal_commands_is_left_out(damaged):
    _po_with(damaged, ('msgid "Network"\nmsgstr "Réseau"', 'msgid "Network"\nmsgstr "R\x1b[2J\x1b]0;pwned\x07seau"'))
    i18n.set_language("fr", localedir=damaged.parent.parent)
    assert i18n._("Network") == "Network" and i18n._("Targets") == "Cibles"


@pytest.mark.parametrize("damage", ["empty mo", "cut mo", "charset", "cut po"])
def test_a_damaged_catalogue_is_read_as_none_or_from_its_po(damaged, damage):
    po, mo = damaged / "relance.po", damaged / "relance.mo"
    if damage in ("empty mo", "cut mo"):  # (an interrupted compile, newer than a good .po: the .po)
        _po_with(damaged)
        from babel.messages.mofile import write_mo

        compiled = io.BytesIO()
        write_mo(compiled, read(PO))
        mo.write_bytes(b"" if damage == "empty mo" else compiled.getvalue()[:100])
        import os

        os.utime(mo, (po.stat().st_mtime + 60,) * 2)
        expected = "Réseau"
    elif damage == "charset":
        _po_with(damaged, ("charset=utf-8", "charset=klingon"))
        expected = "Network"
    else:
        po.write_bytes(PO.read_bytes()[:70_000])
        expected = None  # (Babel may read the entries before the cut: no traceback either way)
    i18n.set_language("fr", localedir=damaged.parent.parent)
    if expected:
        assert i18n._("Network") == expected
    assert i18n.problem == "" if expected == "Réseau" else True


def test_doctor_says_when_the_catalogue_cannot_be_read(damaged, demo_path):
    (damaged / "relance.mo").write_bytes(b"not a catalogue")
    from .conftest import run_relance

    result = run_relance("doctor", env={"RELANCE_DATA": str(demo_path), "RELANCE_LOCALEDIR": str(damaged.parent.parent),
                                        "LANGUAGE": "fr"})
    assert "warning  The catalogue of the language 'fr' cannot be read, so relance speaks English" in result.stdout
    assert "Traceback" not in result.stderr
