"""The shape shared by the operator commands (``user``, ``team``, ``channel``): the first
argument names an action, each action is a method, and a service's AppError becomes a
CommandError (clear message, non-zero exit)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import AppError


class ActionCommand(BaseCommand):
    # action name -> name of the method that carries it out
    actions: ClassVar[dict[str, str]] = {}

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, self.actions[options["action"]])(options)
        except AppError as error:
            raise CommandError(error.message) from None

    def write_json(self, data: object) -> None:
        """``--json`` output: indented, so it reads well and still pipes into ``jq``."""
        self.stdout.write(json.dumps(data, indent=2))
