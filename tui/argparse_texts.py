"""argparse's own texts ("usage:", "options", "the following arguments are required:
%s"...) in relance's language.

argparse looks its texts up through its module-level ``_`` and ``ngettext`` (``from
gettext import gettext as _, ngettext``), at the moment it uses them: when a parser is
built (the "positional arguments" and "options" titles, the help of ``-h``), when help
is printed, when an argument is refused. :func:`speak_ours` points both at
:mod:`store.i18n`, so they come from relance's catalogue in the language relance speaks.
The texts are listed below so that extraction finds them; the msgids are argparse's own
(Python 3.11): one it changes in a later version is shown in English until it is added.
"""

from __future__ import annotations

import argparse

from store import i18n
from store.i18n import N_, ngettext


def speak_ours() -> None:
    """argparse's texts through relance's catalogue (the process is relance's: no other
    parser runs in it that would want the system's gettext domain)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


#: the texts argparse shows a user (its errors about a parser's own definition are
#: a programmer's, and stay English)
TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("argument \"-\" with mode %r"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _plurals(n: int) -> None:  # pragma: no cover - never called: marks argparse's plurals for extraction
    ngettext("expected %s argument", "expected %s arguments", n)
    ngettext("conflicting option string: %s", "conflicting option strings: %s", n)
