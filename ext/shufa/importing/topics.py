"""Suggest a topic of data/topics.yaml for each section, from the topics' keywords.

Each keyword counts once per occurrence, three times in the heading. The best
score wins, ties going to the topic listed first. When no keyword occurs at all
the fallback is the first topic of topics.yaml; either way the choice is a
suggestion the summary lists (and the data file marks a fallback with a comment)
for the user to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.model import Topic

HEADING_WEIGHT = 3


@dataclass
class TopicChoice:
    key: str
    #: Matched keywords, most weighty first; empty for the fallback.
    keywords: list[str] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        return not self.keywords


def suggest_topic(heading: str, body: str, topics: dict[str, Topic]) -> TopicChoice:
    """The topic that fits a section with *heading* and *body* text best (see the module doc)."""
    best: tuple[int, str, list[str]] | None = None
    for key, topic in topics.items():
        weights = {}
        for word in topic.keywords:
            weight = HEADING_WEIGHT * heading.count(word) + body.count(word)
            if weight:
                weights[word] = weight
        score = sum(weights.values())
        if score and (best is None or score > best[0]):
            best = (score, key, sorted(weights, key=lambda w: -weights[w]))
    if best is None:
        return TopicChoice(next(iter(topics)))
    return TopicChoice(best[1], best[2])
