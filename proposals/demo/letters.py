"""The paragraphs demo replies are written from (fixtures/demo_letters, see its README)."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

LETTERS = settings.BASE_DIR / "fixtures" / "demo_letters"
VERBS = ("加快", "推进", "加强", "完善", "支持", "优化", "促进", "规范", "提升", "健全", "鼓励")


@dataclass(frozen=True)
class LetterParagraphs:
    """One category's paragraphs for demo letters (fixtures/demo_letters/README.md)."""

    field: str
    work: list[str]
    plans: list[str]


@cache
def demo_letters(folder: Path = LETTERS) -> dict[str, LetterParagraphs]:
    """The paragraphs of fixtures/demo_letters by category (file name)."""
    letters = {}
    for path in sorted(folder.glob("*.txt")):
        sections, current = defaultdict(list), None
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1]
            else:
                sections[current].append(line)
        letters[path.stem] = LetterParagraphs(
            sections["领域"][0], sections["工作"], sections["打算"]
        )
    return letters


def topic_of(title: str) -> str:
    """What a proposal is about, for a letter's sentences: the title without 关于, its verb
    and 的提案 (关于加快推进5G基站建设的提案 → 推进5G基站建设)."""
    topic = title.removeprefix("关于")
    for ending in ("的提案", "的建议", "提案", "建议"):
        if topic.endswith(ending):
            topic = topic.removesuffix(ending)
            break
    if topic.endswith("）") and "（" in topic:
        topic = topic[: topic.rindex("（")]
    for verb in VERBS:
        if topic.startswith(verb) and len(topic) > len(verb) + 1:
            return topic.removeprefix(verb)
    return topic
