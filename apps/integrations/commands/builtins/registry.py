"""The table of built-in slash commands; each module of this package adds its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apps.integrations.commands.args import CommandArgs
from apps.integrations.commands.response import CommandResponse

Run = Callable[[CommandArgs, str], CommandResponse]


@dataclass(frozen=True)
class BuiltinCommand:
    trigger: str
    display_name: str
    # What autocompletion shows: what the command does, and what to type after it.
    description: str
    hint: str
    run: Run


BUILTINS: dict[str, BuiltinCommand] = {}


def builtin(
    trigger: str, *, display_name: str, description: str, hint: str = ""
) -> Callable[[Run], Run]:
    """Register the decorated function as the built-in ``/trigger``; it gets the
    command's arguments and the text typed after the trigger."""

    def register(run: Run) -> Run:
        BUILTINS[trigger] = BuiltinCommand(trigger, display_name, description, hint, run)
        return run

    return register
