"""The archive's core: the model, loading and the data format, and the rules of report text.

Nothing here imports Sphinx or docutils (``tests/test_layers.py`` checks it in a
fresh interpreter): the importer, the commands and the plugins all build on
it, and each rule has its one owner here —

``model``        the dataclasses, and a report's text fields in reading order
``parts``        the anchor scheme (``s3``, ``s3-2``) and the closing-part table
``numerals``     Chinese numerals both ways (the one digit table)
``redaction``    the placeholders of hidden names and numbers (``**县``, ``×××``)
``labels``       Chinese names of reports and parts (第三部分第二项)
``problems``     located problems and the warning codes (one enum)
``schema``       the data format as JSON Schema
``yamlfile``     YAML with the line and column of every value
``validation``   schema validation, worded as "what is wrong; expected …"
``registries``   counties, kinds, topics, metrics
``building``     a validated document → the model
``checks``       what the schema cannot see (other files, numbering, ids)
``loading``      a data folder → the archive and every problem
``fingerprints`` digests of model parts (incremental builds)
``figures``      the figure parser
``metrics``      figures assigned to metrics, and their series
``reuse``        text reuse rates and word-level diffs
``citing``       citation shapes: CSL-JSON, GB/T 7714 references, BibTeX
``searchterms``  search tokens and the posting codec
``searchindex``  the search index split by term: partitions' pieces, the hub's merge
``searchquery``  the browser's search query, in Python (tests, measurements)
``lock``         the anchor lock
``sitecheck``    internal links and anchors of a built site
"""
