"""``relance edit`` and ``relance rm``: one record changed or deleted from a shell, by the
rules the dashboard's forms and its ``d`` follow (the store's). The options of ``edit`` are
those of ``add`` (``tui.cli.field_options``), its values read as ``add`` reads them
(``cli_commands._given``: references by name, the line-break rule).

Like the other commands, no Textual here.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from store.errors import AmbiguousError, NotFoundError, ValidationError
from store.fields import Choice, Ref, Refs
from store.fmt import shown
from store.i18n import _, ngettext
from store.lookup import blocking_referrers, referenced_error
from store.models import MODELS, Record, kind_name

from .cli_commands import KIND_NAMES, _given, _open, cli_kind, command_name, flag, given_fields, option

#: the answers that delete at ``relance rm``'s question (English and French)
YES = ("y", "yes", "o", "oui")


def _find(repo, kind: str, ref: str, where: str, parser: argparse.ArgumentParser) -> Record:
    """The record REF names (uid, its start, an unambiguous name); else one line naming
    the candidates (the store's sentence), exit 2."""
    try:
        return repo.find(kind, ref)
    except (NotFoundError, AmbiguousError) as err:
        parser.exit(2, _("{command}: error: {problem}\n").format(command=where, problem=err))


def _value(repo, ftype, value: Any) -> str:
    """A value as the change lines show it: a reference by its record's name, a text on one
    line (a line break shown as \\n), nothing as ''."""
    def label(kind: str, uid: str) -> str:
        try:
            return repo.get(kind, uid).label()
        except NotFoundError:
            return uid
    if isinstance(ftype, Ref) and value:
        text = label(ftype.kind, value)
    elif isinstance(ftype, Refs) and value:
        text = ", ".join(label(ftype.kind, uid) for uid in value)
    elif isinstance(ftype, Choice):
        text = ftype.label(value)
    else:
        text = ftype.edit_text(value)
    return f"'{shown(text, limit=60)}'"


def cmd_edit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Change the fields given of one record, in one write; the uid on stdout, what
    changed on stderr (``--field: old → new``). A refused value changes nothing."""
    kind = KIND_NAMES[args.record_kind]
    model = MODELS[kind]
    where = command_name(args)
    names = given_fields(model)
    if all(getattr(args, name, None) is None for name in names):
        parser.exit(2, _("{command}: error: nothing to change: give one or more of {flags}.\n").format(
            command=where, flags=", ".join(option(name) for name in names)))
    repo = _open(args)
    given = _given(args, model, repo, parser)
    types = model.field_types()
    try:
        with repo.transaction():  # (found, checked and changed in one write: no change in between)
            before = _find(repo, kind, args.ref, where, parser)
            after = repo.build(kind, given, base=before)
            changed = [name for name in given if getattr(before, name) != getattr(after, name)]
            if changed:
                after = repo.update(kind, before.uid, given, expected=before)
    except ValidationError as err:
        parser.exit(2, _("{command}: error: {problems} Nothing was changed.\n").format(
            command=where, problems=err.sentences(flag)))
    print(after.uid)
    if not changed:
        print(_("Nothing to change: the {kind} {label!r} ({uid}) already holds these values.").format(
            kind=kind_name(kind), label=before.label(), uid=before.uid[:8]), file=sys.stderr)
        return 0
    lines = [_("Changed the {kind} {label!r} ({uid}):").format(kind=kind_name(kind), label=after.label(), uid=after.uid[:8])]
    for name in changed:
        lines.append("  " + _("{where}: {problem}").format(where=option(name), problem="{} → {}".format(
            _value(repo, types[name], getattr(before, name)), _value(repo, types[name], getattr(after, name)))))
    print("\n".join(lines), file=sys.stderr)
    return 0


def _confirmed(question: str) -> bool:
    """The user's answer at the terminal: yes on y/yes (o/oui), no on anything else or
    the end of input."""
    sys.stderr.write(question + " " + _("[y/N]") + " ")  # (French: [o/N], and YES takes o and oui)
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if not answer.endswith("\n"):
        sys.stderr.write("\n")
    return answer.strip().casefold() in YES


def cmd_rm(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Delete one record, as the dashboard's ``d`` does: refused while others refer to it
    (the store's rule and sentence), a contact's logged interactions deleted with it. On a
    terminal without ``--yes`` the user is asked; elsewhere ``--yes`` is required."""
    kind = KIND_NAMES[args.kind]
    where = f"relance rm {cli_kind(kind)}"
    repo = _open(args)
    record = _find(repo, kind, args.ref, where, parser)
    log, referrers = blocking_referrers(kind, repo.referrers(kind, record.uid))
    if referrers:
        raise referenced_error(record, referrers)
    what = _("the {kind} {label!r} (uid {uid})").format(kind=kind_name(kind), label=record.label(), uid=record.uid[:8])
    with_log = ngettext("Its {count} logged interaction will be deleted with it.",
                        "Its {count} logged interactions will be deleted with it.", len(log)).format(count=len(log))
    if not args.yes:
        if not sys.stdin.isatty():
            parser.exit(2, _("{command}: error: not deleted: there is no terminal to ask whether to delete {what}; "
                             "add --yes to delete it without a question.\n").format(command=where, what=what))
        question = _("Delete {what}?").format(what=what)
        if not _confirmed(f"{question} {with_log}" if log else question):
            print(_("Nothing was deleted."), file=sys.stderr)
            return 1
    if log:
        repo.delete_contact_with_log(record.uid)
        done = ngettext("Deleted {what} and its {count} logged interaction.",
                        "Deleted {what} and its {count} logged interactions.", len(log)).format(what=what, count=len(log))
    else:
        repo.delete(kind, record.uid)
        done = _("Deleted {what}.").format(what=what)
    kept = repo.storage.backups.last_kept
    if kept is not None:
        done += " " + _("The file as it was is kept in {backup}: relance restore {name} puts it back "
                        "(with any change made since undone too).").format(backup=kept, name=kept.name)
    print(done, file=sys.stderr)
    return 0
