"""``shufa import``: turn a published report (.txt, .docx, .html, .pdf) into a data file, losing nothing.

The pipeline, one module per step (``tests/test_module_lists.py`` holds this list to the folder):

``reading``        a source file read by the reader of its format (:mod:`shufa.core.formats`)
``decoding``       plain text: detect the encoding, refuse binary files and mojibake
``docx``           Word files: paragraphs and list numbering rendered as printed, bounded unpacking
``html``           saved web pages (county portals, WeChat articles): the article among the chrome
``pdf``            PDF text layers: page numbers and running headers out, broken lines joined
``pdfbounds``      a PDF's inflated bytes and drawing bounded before pdfminer reads it
``provenance``     the kept original: where it goes, its checksum, copied atomically
``artefacts``      remove paywall markers, site chrome, watermark URLs; report each
``flattened``      a report flattened into one line: where its lines were (its numbering)
``markers``        numbering markers of the genre (一、 （一） 1. （1） 第一， 一是)
``genre``          cue words and line shapes (titles, bylines, dates, closing parts, pages that are no report)
``structure``      lines → outline: title, preamble, sections, items, closing parts
``metadata``       county, kind, year, author and dates found in the text
``registering``    a unit the text names, registered from the national table (counties, provinces)
``topics``         suggest a topic of data/topics.yaml for each section
``document``       outline + metadata → the data file's mapping
``roundtrip``      the reading order of text fields: what "nothing lost" means
``writing``        YAML in the style of data/, written atomically, never overwriting
``pipeline``       one source file through all of the above
``importsummary``  what the user is told after an import
``progress``       progress bar and result table for several files

The ``shufa import`` command itself is :mod:`shufa.commands.import_`.
"""

from __future__ import annotations

from .reading import ImportFailure, SourceText, read_source

__all__ = ["ImportFailure", "SourceText", "read_source"]
