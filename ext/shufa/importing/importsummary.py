"""What the user is told after an import: counts, detections, suggestions, removals, doubts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .artefacts import Artefact

#: Longest excerpt of a line shown in the summary.
EXCERPT = 36


@dataclass
class TopicNote:
    anchor: str
    key: str
    label: str
    keywords: list[str]


@dataclass
class UnplacedNote:
    line: int
    text: str
    anchor: str
    reason: str


@dataclass
class Summary:
    source: str
    target: str
    read_as: str
    unit: str
    title: str
    county: str
    kind: str
    year: str
    sections: int
    items: int
    closing: list[str]
    figures: int
    redactions: int
    topics: list[TopicNote] = field(default_factory=list)
    removed: list[Artefact] = field(default_factory=list)
    gaps: list[tuple[int, str]] = field(default_factory=list)
    stray_spaces: int = 0
    unplaced: list[UnplacedNote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Where the original is kept (``sources/qinghe/shufa/2023.pdf (sha256 1a2b…)``), if it is.
    original: str = ""
    #: What the importer made up and the user must check (a title derived from the metadata).
    review: list[str] = field(default_factory=list)
    #: What the copy does not tell and the keeper must still record (``date``, ``source``).
    needs: list[str] = field(default_factory=list)
    #: The unit registered from the national table for this report (``""``: none), and whether
    #: it was written (not with ``-o``).
    registration: str = ""
    registered: bool = False

    @property
    def to_review(self) -> int:
        """What the user must look at: lines not placed with certainty, values made up."""
        return len(self.unplaced) + len(self.review)

    def render(self, written: bool = True) -> str:
        """The summary as lines of text for the terminal."""
        verb = "imported" if written else "would import"
        closing = " + ".join(c.replace("_", " ") for c in self.closing) or "none found"
        out = [
            f"{verb} {self.source} → {self.target}",
            f"  read as: {self.read_as}",
            *([f"  original kept: {self.original}"] if self.original else []),
            f"  title: {self.title}",
            f"  county: {self.county}; kind: {self.kind}; year: {self.year}",
            f"  sections: {self.sections}, items: {self.items}, closing parts: {closing}",
            f"  figures: {self.figures}, redactions: {self.redactions}",
            f"  topics suggested ({len(self.topics)}; review them in the file):",
        ]
        for note in self.topics:
            why = (
                ", ".join(note.keywords[:4])
                if note.keywords
                else "no keyword matched: fallback, please choose"
            )
            out.append(f"    {note.anchor:<6} {note.key} ({note.label}) — {why}")
        out.append(f"  artefacts removed: {len(self.removed)}")
        for artefact in self.removed:
            out.append(f"    {self.unit} {artefact.line}: {artefact.kind} “{excerpt(artefact.text)}”")
        if self.stray_spaces:
            out.append(f"  stray spaces removed between Chinese characters: {self.stray_spaces}")
        if self.gaps:
            out.append(f"  gaps kept (the published copy leaves text out): {len(self.gaps)}")
            for line, text in self.gaps:
                out.append(f"    {self.unit} {line}: “{excerpt(text)}”")
        out.append(f"  lines not placed with certainty (kept in the nearest field): {len(self.unplaced)}")
        for note in self.unplaced:
            out.append(
                f"    {self.unit} {note.line}: “{excerpt(note.text)}” — {note.reason}; kept in {note.anchor}"
            )
        if self.review:
            out.append(f"  to review: {len(self.review)}")
            for note in self.review:
                out.append(f"    {note}")
        if self.needs:
            out.append(f"  still needed (`shufa check` names them until recorded): {len(self.needs)}")
            for key in self.needs:
                out.append(f"    {NEEDS[key]}")
        if self.registration:
            said = self.registration if self.registered else "would be " + self.registration
            out.append(f"  unit: {said}")
        for note in self.notes:
            out.append(f"  note: {note}")
        return "\n".join(out)


#: What to pass for each value the keeper must still record (keys of :func:`shufa.core.checks.citation_gaps`).
NEEDS = {
    "date": "date: the copy prints none; pass --date YYYY-MM-DD (on the document) or --published "
    "YYYY-MM-DD (online), or --published unknown when nobody can tell",
    "source": "source: the copy names no address; pass --url URL, --url unknown (it was online, nobody "
    "can tell where), or --obtained HOW for a copy that is not online (依申请公开, 纸质文本, 内网 …)",
}


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
