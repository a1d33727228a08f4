"""``relance completion bash|zsh|fish``: each script loaded by its real shell, completing
what a user types (a command, a kind, an option, a choice, a file, a record's name from a
real data file), and the hidden ``__complete-names`` the scripts call."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.repository import Repository
from tui.cli import build_parser
from tui.completion import bash_quoted, command_tree, script, unquoted
from tui.completion_scripts import Tables

from .conftest import ROOT, TODAY, run_relance


@pytest.fixture
def people(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoé Durand", "company": "Acme"})
    repo.add("contact", {"name": "Paul Roux"})
    repo.add("contact", {"name": "O'Brien \"Bob\" $HOME"})
    repo.add("target", {"name": "DSI de PME : industrie"})
    repo.close()
    return data_path


@pytest.fixture
def on_path(tmp_path) -> dict[str, str]:
    """An environment whose PATH starts with a ``relance`` that runs this checkout (the
    scripts call it back for record names)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    command = folder / "relance"
    command.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m tui.cli "$@"\n')
    command.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def written(shell: str, tmp_path: Path) -> Path:
    result = run_relance("completion", shell)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"relance.{shell}"
    path.write_text(result.stdout)
    return path


# -- bash: the function called as bash calls it on Tab -------------------------------------


def bash_complete(script_path: Path, env: dict[str, str], *words: str, cwd: Path | None = None) -> list[str]:
    """What bash offers for ``words`` (the last one being completed): the script sourced,
    the function that ``complete -p relance`` names called with COMP_WORDS and COMP_CWORD
    set, as bash does on Tab."""
    program = f"""
        source {str(script_path)!r}
        spec=$(complete -p relance) || exit 3
        function=${{spec##*-F }}; function=${{function%% *}}
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}
        "$function" relance "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}" 2>/dev/null
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", program, "bash", *words],
                            env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def bash_script(tmp_path, on_path):
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    return written("bash", tmp_path)


def test_bash_completes_commands_kinds_options_and_choices(bash_script, on_path):
    assert bash_complete(bash_script, on_path, "relance", "ad") == ["add"]
    assert bash_complete(bash_script, on_path, "relance", "add", "opp") == ["opportunity"]
    assert bash_complete(bash_script, on_path, "relance", "list", "con") == ["contacts"]
    assert bash_complete(bash_script, on_path, "relance", "rm", "con") == ["contact"]
    assert bash_complete(bash_script, on_path, "relance", "status", "--sh") == ["--short"]
    assert bash_complete(bash_script, on_path, "relance", "--data", "x.json", "status", "--sh") == ["--short"]
    assert bash_complete(bash_script, on_path, "relance", "add", "opportunity", "--stage", "p") == ["proposal"]
    assert bash_complete(bash_script, on_path, "relance", "import", "vcard", "a.vcf", "--circle", "") == [
        "natural", "professional"]
    assert bash_complete(bash_script, on_path, "relance", "export", "csv", "--kind", "") == [
        "contacts", "targets", "opportunities", "missions"]
    assert bash_complete(bash_script, on_path, "relance", "completion", "") == ["bash", "zsh", "fish"]
    assert bash_complete(bash_script, on_path, "relance", "conf") == ["config"]
    assert bash_complete(bash_script, on_path, "relance", "--language", "") == ["en", "fr"]
    assert bash_complete(bash_script, on_path, "relance", "--theme", "relance-l") == ["relance-light"]
    assert bash_complete(bash_script, on_path, "relance", "settings", "--language", "f") == ["fr"]
    assert bash_complete(bash_script, on_path, "relance", "config", "") == ["path", "show", "init"]
    # a value with nothing to offer offers nothing (not the options, not the files)
    assert bash_complete(bash_script, on_path, "relance", "add", "contact", "--name", "") == []


def test_bash_completes_file_names_and_folders(bash_script, on_path, tmp_path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "contacts.vcf").write_text("")
    assert bash_complete(bash_script, on_path, "relance", "import", "vcard", "ca", cwd=tmp_path) == ["cards"]
    assert bash_complete(bash_script, on_path, "relance", "import", "vcard", "co", cwd=tmp_path) == ["contacts.vcf"]
    assert bash_complete(bash_script, on_path, "relance", "export", "vcard", "-o", "con", cwd=tmp_path) == [
        "contacts.vcf"]
    # --data=FILE, which bash splits at the "="
    assert bash_complete(bash_script, on_path, "relance", "--data", "=", "con", cwd=tmp_path) == ["contacts.vcf"]


def test_bash_completes_record_names_quoted(bash_script, on_path, people):
    data = str(people)
    offered = bash_complete(bash_script, on_path, "relance", "--data", data, "add", "opportunity", "--contact", "Zo")
    assert offered == ["Zoé\\ Durand"]
    # as typed back into bash, the completed word is the name, whatever it holds
    every = bash_complete(bash_script, on_path, "relance", "--data", data, "rm", "contact", "")
    typed = subprocess.run(["bash", "--norc", "-c", f"printf '%s\\n' {' '.join(every)}"], capture_output=True,
                           text=True).stdout.splitlines()
    assert typed == ["O'Brien \"Bob\" $HOME", "Paul Roux", "Zoé Durand"]
    # case and accents aside when nothing matches as typed; --data after the command; a target
    assert bash_complete(bash_script, on_path, "relance", "add", "opportunity", "--data", data, "--contact",
                         "zoe") == ["Zoé\\ Durand"]
    assert bash_complete(bash_script, on_path, "relance", "--data", data, "add", "mission", "--target", "DSI") == [
        "DSI\\ de\\ PME\\ \\:\\ industrie"]
    # after an opening quote, inside that quote (readline closes it)
    assert bash_complete(bash_script, on_path, "relance", "--data", data, "edit", "contact", '"Zo') == ["Zoé Durand"]
    # RELANCE_DATA when no --data
    assert bash_complete(bash_script, {**on_path, "RELANCE_DATA": data}, "relance", "add", "interaction",
                         "--contact", "Pa") == ["Paul\\ Roux"]


def test_bash_script_as_a_user_sees_it_in_a_terminal(bash_script, on_path, people, tmp_path):
    """Tab in an interactive bash, in tmux: the line as the user sees it."""
    rc = tmp_path / "bashrc"
    rc.write_text(f"PS1='$ '\nsource {bash_script}\n")
    with Terminal(["bash", "--rcfile", str(rc), "-i"], on_path) as term:
        term.type("relance ad\t")
        term.wait_for("$ relance add")
        term.type(f"\x15relance --data {people} add opportunity --contact Zo\t")
        term.wait_for("--contact Zoé\\ Durand")


# -- zsh: a real interactive zsh in tmux, its completion system loaded ------------------------


def test_zsh_completes_in_a_terminal(tmp_path, on_path, people):
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed (apt-get install zsh; ./dev.sh test does as root)")
    script_path = written("zsh", tmp_path)
    home = tmp_path / "zdot"
    home.mkdir()
    (home / ".zshrc").write_text(f"PS1='%% '\nautoload -U compinit && compinit -u -D\nsource {script_path}\n")
    with Terminal(["zsh", "-i"], {**on_path, "ZDOTDIR": str(home)}) as term:
        term.type("relance list con\t")
        term.wait_for("% relance list contacts")
        term.type("\x15relance status --sh\t")
        term.wait_for("% relance status --short")
        term.type(f"\x15relance --data {people} rm contact Zo\t")
        term.wait_for("rm contact Zoé\\ Durand")


# -- fish: its own completion engine, asked with complete -C ------------------------------------


def test_fish_completes(tmp_path, on_path, people):
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed (apt-get install fish; ./dev.sh test does as root)")
    script_path = written("fish", tmp_path)

    def complete(line: str) -> list[str]:
        result = subprocess.run(["fish", "--no-config", "-c", f"source {script_path}; complete -C$argv[1]", line],
                                env=on_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return [candidate.split("\t")[0] for candidate in result.stdout.splitlines()]

    assert complete("relance ad") == ["add"]
    assert complete("relance list con") == ["contacts"]
    assert complete("relance status --sh") == ["--short"]
    assert complete("relance add opportunity --stage=p") == ["--stage=proposal"]
    assert complete(f"relance --data {people} add opportunity --contact Zo") == ["Zoé Durand"]


# -- the scripts themselves ------------------------------------------------------------------


def test_scripts_are_english_and_the_same_in_any_language(on_path):
    for shell in ("bash", "zsh", "fish"):
        english = run_relance("completion", shell).stdout
        assert run_relance("completion", shell, env={"LANGUAGE": "fr"}).stdout == english
        assert "add a record without opening the dashboard" in english or shell == "bash"


def test_a_command_added_to_the_parser_is_completed():
    """A subcommand added to build_parser() (relance journal, say) needs no change here."""
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    journal = commands.add_parser("journal", help="the journal")
    journal.add_argument("what", choices=("path", "show", "init"))
    tables = Tables(command_tree(parser))
    assert "journal" in tables.commands["relance"].split()
    assert tables.positional["relance/journal"] == {"0": "choices path show init"}
    assert "relance/journal" in script("bash", parser)


def test_names_command_is_hidden_and_quiet(tmp_path, people):
    assert "__complete" not in run_relance("--help").stdout
    listed = run_relance("__complete-names", "contacts", "--data", str(people))
    assert listed.returncode == 0 and listed.stdout.splitlines() == ["O'Brien \"Bob\" $HOME", "Paul Roux",
                                                                      "Zoé Durand"]
    # a file not there: nothing printed, nothing created; an unknown kind: nothing either
    missing = tmp_path / "none" / "relance.json"
    result = run_relance("__complete-names", "contact", "--data", str(missing))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "") and not missing.parent.exists()
    assert run_relance("__complete-names", "nothing", "--data", str(people)).stdout == ""


def test_names_of_an_older_file_are_not_read(tmp_path):
    """Opening a file of an older schema would migrate it: a Tab never writes."""
    old = tmp_path / "old.json"
    old.write_text('{"contacts": {"1": {"uid": "0d725e8b-fd88-4014-b054-35db2a8cfa9c", "name": "Zoé"}}}\n')
    before = old.read_bytes()
    assert run_relance("__complete-names", "contact", "--data", str(old)).stdout == ""
    assert old.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


def test_typed_words_unquoted_and_names_quoted_for_bash():
    assert unquoted("Zoé\\ D") == "Zoé D"
    assert unquoted('"Zoé D') == "Zoé D"
    assert unquoted("'O'\\''Br") == "O'Br"
    assert unquoted("~/x.json") == "~/x.json"
    assert bash_quoted("Zoé Durand", "Zo") == "Zoé\\ Durand"
    assert bash_quoted('a "b" $c', '"a') == 'a \\"b\\" \\$c'
    assert bash_quoted("O'Brien", "'O") == "O'\\''Brien"


# -- a terminal ------------------------------------------------------------------------------


class Terminal:
    """A shell in a tmux pane of its own: keys typed, the screen read."""

    def __init__(self, command: list[str], env: dict[str, str]):
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed (apt-get install tmux)")
        self.env = env
        self.name = f"completion-{os.getpid()}-{time.monotonic_ns()}"
        self.command = command

    def __enter__(self) -> Terminal:
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "300", "-y", "20", *self.command],
                       env=self.env, check=True)
        return self

    def __exit__(self, *exc) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], env=self.env, capture_output=True)

    def type(self, text: str) -> None:
        for part in text.replace("\t", "\0\t\0").replace("\x15", "\0\x15\0").split("\0"):
            if part == "\t":
                subprocess.run(["tmux", "send-keys", "-t", self.name, "Tab"], env=self.env, check=True)
                time.sleep(0.3)
            elif part == "\x15":
                subprocess.run(["tmux", "send-keys", "-t", self.name, "C-u"], env=self.env, check=True)
            elif part:
                subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", part], env=self.env, check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", self.name], env=self.env,
                              capture_output=True, text=True).stdout

    def wait_for(self, text: str, seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.screen():
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on the screen:\n{self.screen()}")


def test_names_are_not_read_from_a_fifo_or_another_users_link(tmp_path):
    """A Tab never hangs on a fifo planted where the data file is named, nor reads
    through a link another user owns (the checks of every other command)."""
    fifo = tmp_path / "team.json"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "tui.cli", "__complete-names", "contact", "", "--data", str(fifo)],
                            cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0 and result.stdout == ""
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    os.lchown(link, 12345, 12345)
    result = subprocess.run([sys.executable, "-m", "tui.cli", "__complete-names", "contact", "", "--data", str(link)],
                            cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0 and result.stdout == ""
