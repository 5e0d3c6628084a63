"""`shufa import` on the fixture reports: structure, figures, redactions, artefacts, nothing lost.

Each tests/fixtures/import/<name>.txt is an original, fictional report; its
<name>.expected.yaml says what the importer must find in it (outline, figures,
redactions, removed artefacts, gaps, lines it cannot place with certainty).
The helpers the importer tests share (``outline``, ``run_import`` …) are in conftest.py.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import IMPORT_FIXTURES, import_data, only_citation_warnings, outline
from shufa.commands import main
from shufa.core.building import build_report
from shufa.core.figures import report_marks
from shufa.core.yamlfile import YamlDocument
from shufa.importing.artefacts import remove_artefacts, without
from shufa.importing.decoding import decode
from shufa.importing.pipeline import Options, checked_registries, prepare
from shufa.importing.roundtrip import reading_text, squeeze, text_fields


def marks(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(figures, redactions) of a report mapping as ``anchor text``, in document order."""
    found = report_marks(build_report(YamlDocument(Path("report.yaml"), doc)))
    figures = [f"{m.anchor} {m.text}" for m in found if m.kind == "figure"]
    redactions = [f"{m.anchor} {m.text}" for m in found if m.kind == "redaction"]
    return figures, redactions


NAMES = sorted(p.stem for p in IMPORT_FIXTURES.glob("*.txt"))


def expected(name: str) -> dict:
    return yaml.safe_load((IMPORT_FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))


def options(args: list[str]) -> Options:
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    return Options(county=pairs.get("--county"), kind=pairs.get("--kind"))


def test_there_are_at_least_eight_fixture_reports():
    assert len(NAMES) >= 8
    for name in NAMES:
        assert (IMPORT_FIXTURES / f"{name}.expected.yaml").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_read_as_expected(name, tmp_path):
    exp = expected(name)
    registries = checked_registries(import_data(tmp_path, exp.get("register")))
    prepared = prepare(IMPORT_FIXTURES / f"{name}.txt", registries, options(exp["args"]))
    doc = prepared.document
    assert f"{doc['county']}/{doc['kind']}/{doc['year']}.yaml" == exp["target"]
    assert outline(doc) == exp["outline"]
    figures, redactions = marks(doc)
    assert figures == exp["figures"]
    assert redactions == exp["redactions"]
    assert [f"{a.line} {a.kind}: {a.text}" for a in prepared.summary.removed] == exp["removed"]
    assert [line for line, _ in prepared.summary.gaps] == exp["gaps"]
    assert [f"{u.line} {u.anchor}: {u.reason}" for u in prepared.summary.unplaced] == exp["unplaced"]
    assert doc.get("author", {}) == exp["author"]
    assert doc.get("date", {}) == exp["date"]
    source = dict(doc.get("source", {}))
    original, retrieved = source.pop("original"), source.pop("retrieved")
    assert source == exp["source"]
    # provenance: the original is kept beside data/ as sources/<county>/<kind>/<year>.txt
    assert original == {
        "path": f"sources/{exp['target'].removesuffix('.yaml')}.txt",
        "name": f"{name}.txt",
        "format": "txt",
        "sha256": hashlib.sha256((IMPORT_FIXTURES / f"{name}.txt").read_bytes()).hexdigest(),
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", retrieved)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_loses_nothing(name, tmp_path):
    """The text fields in reading order are the input minus the removed artefacts (whitespace aside)."""
    exp = expected(name)
    registries = checked_registries(import_data(tmp_path, exp.get("register")))
    source = IMPORT_FIXTURES / f"{name}.txt"
    prepared = prepare(source, registries, options(exp["args"]))
    text, _ = decode(source.read_bytes())
    removed = prepared.cleaned.removed  # the artefacts, and the byline (it went to author)
    assert {a.kind for a in removed} - {a.kind for a in remove_artefacts(text).removed} <= {
        "byline (→ author)"
    }
    assert squeeze(reading_text(prepared.document)) == squeeze(without(text, removed))
    # and every removed artefact really was in the input, where it says
    for artefact in removed:
        assert squeeze(text[artefact.start : artefact.end]) == squeeze(artefact.text)


def test_reading_order_is_defined_field_by_field():
    # the order is the model's (Report.fields): the importer keeps no copy of it
    doc = {
        "county": "qinghe",
        "kind": "shufa",
        "year": 2023,
        "title": "T",
        "subtitle": "ST",
        "author": {"name": "not printed"},
        "preamble": "P",
        "sections": [
            {
                "ordinal": 1,
                "marker": "一、",
                "heading": "H",
                "topic": "leadership",
                "lead": "L",
                "text": "X",
                "items": [
                    {
                        "ordinal": 1,
                        "marker": "1.",
                        "label": "a。",
                        "text": "b",
                        "items": [{"ordinal": 1, "marker": "（1）", "text": "c"}],
                    }
                ],
            }
        ],
        "closing": {
            "date_line": "D",
            "signature": "S",
            "next_steps": {"items": [{"ordinal": 1, "marker": "二是", "text": "n"}], "intro": "NI"},
            "shortcomings": {
                "ordinal": 2,
                "marker": "五、",
                "heading": "SH",
                "intro": "SI",
                "text": "ST",
                "items": [{"ordinal": 1, "marker": "一是", "text": "s"}],
            },
        },
    }
    assert [value for _, value in text_fields(doc)] == [
        "T", "ST", "P", "一、", "H", "L", "1.", "a。", "b", "（1）", "c", "X",
        "五、", "SH", "SI", "ST", "一是", "s", "NI", "二是", "n", "S", "D",
    ]  # fmt: skip


def test_every_fixture_round_trips_through_shufa_check(tmp_path, capsys):
    register = {}
    for name in NAMES:
        register.update(expected(name).get("register") or {})
    data = import_data(tmp_path, register)
    for name in NAMES:
        exp = expected(name)
        assert (
            main(["import", str(IMPORT_FIXTURES / f"{name}.txt"), "--data-dir", str(data), *exp["args"]]) == 0
        )
        assert (data / exp["target"]).is_file()
    assert main(["lock", str(data)]) == 0  # the first reports of the archive: its lock
    capsys.readouterr()
    assert main(["check", str(data)]) == 1  # only what the texts cannot tell: the source address
    out, err = capsys.readouterr()
    assert only_citation_warnings(out), out
    assert f"{len(NAMES)} report file(s) loaded" in err


def test_a_county_not_in_counties_yaml_is_reported_and_needs_registration(tmp_path, capsys):
    data = import_data(tmp_path)
    assert main(["import", str(IMPORT_FIXTURES / "songling-fzzf-2022.txt"), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "松岭县" in err and "counties.yaml" in err and "--county" in err
    assert "Traceback" not in err
    assert not (data / "songling").exists()
    assert sorted(p.name for p in data.iterdir()) == ["counties.yaml", "kinds.yaml", "topics.yaml"]


def test_a_redacted_county_is_never_taken(tmp_path, capsys):
    data = import_data(tmp_path)
    src = str(IMPORT_FIXTURES / "redacted-fzzf-2020.txt")
    assert main(["import", src, "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "redacted" in err and "**县" in err and "--county" in err
    assert main(["import", src, "--data-dir", str(data), "--county", "chengxi"]) == 0
    out = capsys.readouterr().out
    assert "county: chengxi (given (--county))" in out
    assert "note: the county name is redacted in the title (“**县”)" in out
