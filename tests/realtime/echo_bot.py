"""An mmpy-bot bot for the real-time tests: it answers "ping" with "pong <channel name>",
in a channel (in the message's thread) and in a direct message.

    python tests/realtime/echo_bot.py http://127.0.0.1 PORT TOKEN TEAM_NAME
"""

from __future__ import annotations

import sys

from mmpy_bot import Bot, Message, Plugin, Settings, listen_to


class Echo(Plugin):
    @listen_to("^ping$")
    async def pong(self, message: Message) -> None:
        self.driver.reply_to(message, f"pong {message.channel_name}")


if __name__ == "__main__":
    url, port, token, team = sys.argv[1:5]
    settings = Settings(
        MATTERMOST_URL=url,
        MATTERMOST_PORT=int(port),
        BOT_TOKEN=token,
        BOT_TEAM=team,
        SSL_VERIFY=False,
    )
    Bot(settings=settings, plugins=[Echo()]).run()
