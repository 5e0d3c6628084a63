"""``shufa import``: turn a published report (.txt or .docx) into a data file, losing nothing.

The pipeline, one module per step:

``sources``    the registry of input formats and :class:`ImportFailure`
``decoding``   plain text: detect the encoding, refuse binary files and mojibake
``docx``       Word files: paragraphs and list numbering rendered as printed
``artefacts``  remove paywall markers, site chrome, watermark URLs; report each
``markers``    numbering markers of the genre (一、 （一） 1. （1） 第一， 一是)
``genre``      cue words and line shapes (titles, bylines, dates, closing parts)
``structure``  lines → outline: title, preamble, sections, items, closing parts
``metadata``   county, kind, year, author and dates found in the text
``topics``     suggest a topic of data/topics.yaml for each section
``document``   outline + metadata → the data file's mapping
``roundtrip``  the reading order of text fields: what "nothing lost" means
``writing``    YAML in the style of data/, written atomically, never overwriting
``pipeline``   one source file through all of the above
``summary``    what the user is told after an import
``progress``   progress bar and result table for several files
``command``    the ``shufa import`` subcommand
"""

from __future__ import annotations

from .sources import ImportFailure, SourceText, read_source, reader

__all__ = ["ImportFailure", "SourceText", "read_source", "reader"]
