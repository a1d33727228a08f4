"""The completion scripts of bash, zsh and fish, written from the tree of commands of
:func:`tui.completion.command_tree` (see that module for why they are static).

Each script is the same in two parts: tables, written from the parser (a command's
subcommands, its options, what each option and argument takes), and one function that
walks the words typed so far through them (``relance --data x.json add contact --na``:
the command ``relance/add/contact``, an option being typed) and offers what fits. The
tables are shell functions made of one ``case`` each (``switch`` in fish): looked up in a
few microseconds, where a Tab that ran Python would cost a tenth of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .completion import NAMES_COMMAND, Command, Values


#: a table: a command's key -> its answer, or -> {a word -> its answer}
Table = dict[str, str] | dict[str, dict[str, str]]


class Tables:
    """What the scripts look up. A command is named by its key (``relance/add/contact``);
    the tables of two arguments answer for a command and a word typed in it."""

    def __init__(self, root: Command):
        #: command -> word -> the subcommand the word names (aliases too: ``contacts``)
        self.step: dict[str, dict[str, str]] = {}
        #: command -> its subcommands, space-separated
        self.commands: dict[str, str] = {}
        #: command -> its options, space-separated
        self.options: dict[str, str] = {}
        #: command -> option -> what the option's value is (absent: the option takes none)
        self.value: dict[str, dict[str, str]] = {}
        #: command -> index -> what the argument given without an option at that index is
        self.positional: dict[str, dict[str, str]] = {}
        #: command -> its help, on one line
        self.help: dict[str, str] = {}
        #: command -> option -> its help, on one line
        self.option_help: dict[str, dict[str, str]] = {}
        for command in root.walk():
            key = command.key
            self.help[key] = command.help
            if command.subcommands:
                self.commands[key] = " ".join(sub.path[-1] for sub in command.subcommands)
                self.step[key] = {name: sub.path[-1] for sub in command.subcommands
                                  for name in (sub.path[-1], *sub.aliases)}
            self.options[key] = " ".join(string for option in command.options for string in option.strings)
            self.option_help[key] = {string: option.help for option in command.options for string in option.strings}
            self.value[key] = {string: _spec(option.values) for option in command.options
                               for string in option.strings if option.values}
            if command.positionals:
                self.positional[key] = {str(index): _spec(values)
                                        for index, (_metavar, _help, values) in enumerate(command.positionals)}


def _spec(values: Values) -> str:
    """What an argument takes, as the scripts read it: ``choices a b c``, ``files``,
    ``names contact``, ``names-of-kind``, ``text``."""
    assert all(word and " " not in word and "'" not in word for word in values), values
    return " ".join(values)


def _single(text: str) -> str:
    """``text`` in single quotes, for bash and zsh (where nothing is special inside)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_single(text: str) -> str:
    """``text`` in single quotes for fish, where ``\\`` and ``\\'`` are escapes inside."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _grouped(table: dict) -> list[tuple[list[str], object]]:
    """The keys of ``table`` grouped by their answer, in a stable order: the commands that
    answer alike share a line (``relance/add`` and ``relance/edit`` name the same kinds)."""
    groups: dict[str, tuple[list[str], object]] = {}
    for key, answer in table.items():
        groups.setdefault(repr(answer), ([], answer))[0].append(key)
    return list(groups.values())


def _sh_table(name: str, what: str, table: Table) -> str:
    """A table as a bash/zsh function of a command ($1) and, for a table of two
    arguments, a word ($2): the answer in ``REPLY``, empty when none."""
    lines = [f"{name}() {{  # {what}", '    case "$1" in']
    for keys, answer in _grouped(table):
        head = "        " + "|".join(map(_single, keys)) + ")"
        if isinstance(answer, str):
            lines.append(f"{head} REPLY={_single(answer)} ;;")
            continue
        lines += [head, '            case "$2" in']
        lines += [f"                {'|'.join(map(_single, words))}) REPLY={_single(inner)} ;;"
                  for words, inner in _grouped(answer)]
        lines += ["                *) REPLY= ;;", "            esac ;;"]
    lines += ["        *) REPLY= ;;", "    esac", "}"]
    return "\n".join(lines)


def _fish_table(name: str, what: str, table: Table) -> str:
    """A table as a fish function of a command and, for a table of two arguments, a
    word: prints the answer (nothing when none)."""
    lines = [f"function {name} --description {_fish_single(what)}", "    switch $argv[1]"]
    for keys, answer in _grouped(table):
        lines.append("        case " + " ".join(map(_fish_single, keys)))
        if isinstance(answer, str):
            lines.append(f"            echo {_fish_single(answer)}")
            continue
        lines.append("            switch $argv[2]")
        for words, inner in _grouped(answer):
            lines += ["                case " + " ".join(map(_fish_single, words)),
                      f"                    echo {_fish_single(inner)}"]
        lines.append("            end")
    lines += ["    end", "end"]
    return "\n".join(lines)


def _sh_tables(tables: Tables, with_help: bool) -> str:
    parts = [
        _sh_table("_relance_step", "$1 a command, $2 a word: the subcommand it names", tables.step),
        _sh_table("_relance_commands", "$1 a command: its subcommands", tables.commands),
        _sh_table("_relance_options", "$1 a command: its options", tables.options),
        _sh_table("_relance_value", "$1 a command, $2 an option: what its value is", tables.value),
        _sh_table("_relance_positional", "$1 a command, $2 an index: what that argument is", tables.positional),
    ]
    if with_help:
        parts += [_sh_table("_relance_help", "$1 a command: its help", tables.help),
                  _sh_table("_relance_option_help", "$1 a command, $2 an option: its help", tables.option_help)]
    return "\n\n".join(parts)


def _header(shell: str, version: str, install: Iterable[str]) -> str:
    lines = [f"# relance completion for {shell}, written by `relance completion {shell}` (relance {version}).",
             "# Made from relance's command-line parser: write it again after an upgrade.", "#"]
    return "\n".join([*lines, *(f"#   {line}" for line in install)])


BASH_MAIN = r"""
# The words before the cursor walked through the tables: the command (relance/add/contact),
# the arguments given without an option, --data's value, and an option waiting for its value.
_relance() {
    local cur=${COMP_WORDS[COMP_CWORD]} key=relance pending= data= word REPLY i
    local -a given=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word=${COMP_WORDS[i]}
        if [[ -n $pending ]]; then
            [[ $word == = ]] && continue  # (bash splits --data=x.json at the "=")
            [[ $pending == --data ]] && data=$word
            pending=
            continue
        fi
        case $word in
            --data=*) data=${word#--data=} ;;
            --*=*) ;;
            -?*) _relance_value "$key" "$word"; [[ -n $REPLY ]] && pending=$word ;;
            *)
                _relance_step "$key" "$word"
                if [[ -n $REPLY && ${#given[@]} -eq 0 ]]; then key+=/$REPLY; else given+=("$word"); fi ;;
        esac
    done
    [[ -n $pending && $cur == = ]] && cur=
    COMPREPLY=()
    if [[ -n $pending ]]; then
        _relance_value "$key" "$pending"
    elif [[ $cur == -* ]]; then
        _relance_options "$key"
        REPLY="choices $REPLY"
    else
        _relance_commands "$key"
        if [[ -n $REPLY && ${#given[@]} -eq 0 ]]; then
            REPLY="choices $REPLY"
        else
            _relance_positional "$key" "${#given[@]}"
        fi
    fi
    _relance_offer $REPLY
}

_relance_offer() {
    local prog=${COMP_WORDS[0]}
    [[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
    case $1 in
        choices) shift; mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur") ;;
        files)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        names|names-of-kind)
            local -a args=(@NAMES@ "${2:-${given[0]}}" "$cur" --bash)
            [[ -n $data ]] && args+=(--data "$data")
            # (names quoted by relance for this command line: "Zoé Durand" as Zoé\ Durand)
            mapfile -t COMPREPLY < <("$prog" "${args[@]}" 2>/dev/null) ;;
    esac
}

complete -F _relance relance
""".replace("@NAMES@", NAMES_COMMAND)


def bash_script(root: Command, version: str) -> str:
    install = ["In ~/.bashrc:   source <(relance completion bash)",
               "or once:        relance completion bash > ~/.local/share/bash-completion/completions/relance"]
    return "\n".join([_header("bash", version, install), "", _sh_tables(Tables(root), False), BASH_MAIN])


ZSH_MAIN = r"""
# The words before the cursor walked through the tables: the command (relance/add/contact),
# the arguments given without an option, --data's value, and an option waiting for its value.
_relance() {
    local cur=${words[CURRENT]} key=relance pending= data= word REPLY i
    local -a given described
    for (( i = 2; i < CURRENT; i++ )); do
        word=${words[i]}
        if [[ -n $pending ]]; then
            [[ $pending == --data ]] && data=$word
            pending=
            continue
        fi
        case $word in
            --data=*) data=${word#--data=} ;;
            --*=*) ;;
            -?*) _relance_value "$key" "$word"; [[ -n $REPLY ]] && pending=$word ;;
            *)
                _relance_step "$key" "$word"
                if [[ -n $REPLY && ${#given} -eq 0 ]]; then key+=/$REPLY; else given+=("$word"); fi ;;
        esac
    done
    if [[ -z $pending && $cur == --*=* ]]; then
        pending=${cur%%=*}
        compset -P '*='
    fi
    if [[ -n $pending ]]; then
        _relance_value "$key" "$pending"
        _relance_offer ${=REPLY}
    elif [[ $cur == -* ]]; then
        _relance_options "$key"
        local option
        for option in ${=REPLY}; do
            _relance_option_help "$key" "$option"
            described+=("$option:$REPLY")
        done
        _describe -t options option described
    else
        _relance_commands "$key"
        if [[ -n $REPLY && ${#given} -eq 0 ]]; then
            local name
            for name in ${=REPLY}; do
                _relance_help "$key/$name"
                described+=("$name:$REPLY")
            done
            _describe -t commands command described
        else
            _relance_positional "$key" "${#given}"
            _relance_offer ${=REPLY}
        fi
    fi
}

_relance_offer() {
    local prog=${~words[1]} kind=${2:-$given[1]}
    local -a names args
    case $1 in
        choices) shift; compadd -- "$@" ;;
        files) _files ;;
        names|names-of-kind)
            args=(@NAMES@ "$kind")
            [[ -n $data ]] && args+=(--data "$data")
            names=(${(f)"$("$prog" "${args[@]}" 2>/dev/null)"})
            compadd -a names ;;
        *) return 1 ;;
    esac
}

if [[ $funcstack[1] == _relance ]]; then
    _relance "$@"  # (autoloaded from a file _relance in $fpath)
else
    compdef _relance relance
fi
""".replace("@NAMES@", NAMES_COMMAND)


def zsh_script(root: Command, version: str) -> str:
    install = ["In ~/.zshrc, after compinit:   source <(relance completion zsh)",
               "or once, in a folder of your $fpath:   relance completion zsh > ~/.zfunc/_relance"]
    return "\n".join(["#compdef relance", _header("zsh", version, install), "",
                      _sh_tables(Tables(root), True), ZSH_MAIN])


FISH_MAIN = r"""
# The words before the cursor walked through the tables: the command (relance/add/contact),
# the arguments given without an option, --data's value, and an option waiting for its value.
function __relance_complete --description 'what fits the word under the cursor'
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l key relance
    set -l pending
    set -l data
    set -l given
    for word in $words[2..-1]
        if test -n "$pending"
            test "$pending" = --data; and set data $word
            set pending
            continue
        end
        switch $word
            case '--data=*'
                set data (string replace -- --data= '' $word)
            case '--*=*'
            case '-?*'
                set -l value (__relance_value $key $word)
                test -n "$value"; and set pending $word
            case '*'
                set -l next (__relance_step $key $word)
                if test -n "$next"; and test (count $given) -eq 0
                    set key $key/$next
                else
                    set -a given $word
                end
        end
    end
    set -l before ''
    if test -z "$pending"; and string match -q -- '--*=*' $cur
        set pending (string replace -r -- '=.*' '' $cur)
        set before $pending=
        set cur (string replace -- $before '' $cur)
    end
    set -l spec
    if test -n "$pending"
        set spec (string split ' ' -- (__relance_value $key $pending))
    else if string match -q -- '-*' $cur
        for option in (string split ' ' -- (__relance_options $key))
            printf '%s\t%s\n' $option (__relance_option_help $key $option)
        end
        return
    else
        set -l commands (__relance_commands $key)
        if test -n "$commands"; and test (count $given) -eq 0
            for name in (string split ' ' -- $commands)
                printf '%s\t%s\n' $name (__relance_help $key/$name)
            end
            return
        end
        set spec (string split ' ' -- (__relance_positional $key (count $given)))
    end
    switch "$spec[1]"
        case choices
            printf '%s\n' $before$spec[2..-1]
        case files
            for path in (__fish_complete_path $cur)
                echo $before$path
            end
        case names names-of-kind
            set -l kind $spec[2]
            test -z "$kind"; and set kind $given[1]
            set -l prog (string replace -r -- '^~/' $HOME/ $words[1])
            set -l args @NAMES@ $kind
            test -n "$data"; and set -a args --data $data
            for name in ($prog $args 2>/dev/null)
                echo $before$name
            end
    end
end

complete -c relance -f -a '(__relance_complete)'
""".replace("@NAMES@", NAMES_COMMAND)


def fish_script(root: Command, version: str) -> str:
    tables = Tables(root)
    install = ["Once:   relance completion fish > ~/.config/fish/completions/relance.fish"]
    parts = [
        _fish_table("__relance_step", "a command and a word: the subcommand it names", tables.step),
        _fish_table("__relance_commands", "a command: its subcommands", tables.commands),
        _fish_table("__relance_options", "a command: its options", tables.options),
        _fish_table("__relance_value", "a command and an option: what its value is", tables.value),
        _fish_table("__relance_positional", "a command and an index: what that argument is", tables.positional),
        _fish_table("__relance_help", "a command: its help", tables.help),
        _fish_table("__relance_option_help", "a command and an option: its help", tables.option_help),
    ]
    return "\n".join([_header("fish", version, install), "", "\n\n".join(parts), FISH_MAIN])


WRITERS: dict[str, Callable[[Command, str], str]] = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
