"""Made-up but plausible chat messages for sample data and benchmarks: mostly one short
line, sometimes a few sentences, now and then a long paragraph or a code block, so that
message sizes look like a real team's."""

from __future__ import annotations

import random

WORDS = [
    "deploy",
    "release",
    "build",
    "review",
    "merge",
    "branch",
    "ticket",
    "customer",
    "meeting",
    "lunch",
    "coffee",
    "standup",
    "sprint",
    "roadmap",
    "bug",
    "fix",
    "test",
    "staging",
    "production",
    "server",
    "database",
    "query",
    "cache",
    "latency",
    "dashboard",
    "alert",
    "incident",
    "rollback",
    "config",
    "docs",
    "design",
    "mockup",
    "feedback",
    "launch",
    "budget",
    "invoice",
    "report",
    "metrics",
    "weekend",
    "holiday",
    "team",
    "office",
    "remote",
    "call",
    "agenda",
    "notes",
    "thanks",
    "great",
    "sounds",
    "good",
    "done",
    "blocked",
    "waiting",
    "checking",
    "looking",
    "later",
    "today",
    "tomorrow",
    "yesterday",
    "morning",
    "afternoon",
    "quick",
    "question",
    "update",
    "please",
    "maybe",
    "definitely",
    "soon",
]
OPENERS = (
    "Hey team,",
    "Quick update:",
    "FYI",
    "Heads up:",
    "Morning!",
    "Question:",
    "",
    "",
    "",
)
HASHTAGS = ("#release", "#incident", "#design", "#standup", "#customer", "#oncall")
CODE = "```\n$ make test\nall tests passed\n```"


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(3, 14))
    return " ".join(words).capitalize() + rng.choice(".!?.")


def sample_message(rng: random.Random, *, mention: str = "") -> str:
    """One message; ``mention`` (a username) is @-mentioned in it when given."""
    shape = rng.random()
    if shape < 0.70:
        sentences = 1
    elif shape < 0.93:
        sentences = rng.randint(2, 4)
    else:
        sentences = rng.randint(6, 15)
    text = " ".join(_sentence(rng) for _ in range(sentences))
    opener = rng.choice(OPENERS)
    if opener:
        text = f"{opener} {text}"
    if mention:
        text = f"@{mention} {text}"
    if rng.random() < 0.05:
        text = f"{text} {rng.choice(HASHTAGS)}"
    if rng.random() < 0.02:
        text = f"{text}\n{CODE}"
    return text
