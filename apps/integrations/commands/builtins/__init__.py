"""Built-in slash commands, as Mattermost ships them: what they post, change and answer.

Importing this package fills ``BUILTINS``."""

from apps.integrations.commands.builtins import channels, messages, presence
from apps.integrations.commands.builtins.registry import BUILTINS, BuiltinCommand

__all__ = ["BUILTINS", "BuiltinCommand", "channels", "messages", "presence"]
