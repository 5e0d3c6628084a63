"""Sphinx configuration of the archive. confdir is the repository root, srcdir is docs/.

Build with `make html` (or `sphinx-build -b html -c . docs _build/html`).
"""

project = "县域法治报告库"
author = "县域法治报告库编辑组"
copyright = "2026, 县域法治报告库编辑组（样例数据为虚构）"
language = "zh_CN"

# Our plugins, one concern each (a project that does not want one leaves it out).
extensions = [
    "myst_parser",
    "sphinx_design",
    "shufa.data",  # the model: load and validate data/
    "shufa.pages",  # generate the thin report, county and year pages
    "shufa.domain",  # the `report` domain: targets, roles, objects.inv
    "shufa.directives",  # report page blocks built from the model
    "shufa.listings",  # home, county and year listings
    "shufa.crossyear",  # year switcher, topics across years, topic × year tables
    "shufa.compare",  # text reuse rates and year-to-year comparison pages
    "shufa.metrics",  # figures marked in the text, series and charts, metric index
    "shufa.anchors",  # the anchor lock: published anchors must keep resolving
    "shufa.redirects",  # redirect pages at former county slugs, keeping the #fragment
    "shufa.theme",  # CJK typography, chrome translations, bounded navigation
    "shufa.schemadoc",  # the data-format reference, rendered from the schema
    "shufa.memory",  # keep the garbage collector from rescanning the whole build
    "shufa.citation",  # GB/T 7714 cite controls, BibTeX and CSL-JSON downloads
    "shufa.sources",  # the original file of each report, offered as 原文 with its checksum
    "shufa.search",  # Chinese search that finds phrases, places and figures, by section
    "shufa.export",  # archive.json, sitemap.xml, page descriptions and Open Graph
    "shufa.series",  # a county's years, latest, any two years compared, topic histories
    "shufa.feeds",  # Atom feeds of new reports, the archive's and each county's
]

shufa_data_dir = "data"

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]
myst_enable_extensions = ["colon_fence", "deflist"]
# shufa.baseurl: the sample archive has no address of its own. A published archive sets
# html_baseurl below and drops it from this list (the build then says nothing).
suppress_warnings = ["myst.header", "shufa.baseurl"]

html_theme = "pydata_sphinx_theme"
html_title = "县域法治报告库"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": [],
    "secondary_sidebar_items": ["page-toc"],
    "search_bar_text": "搜索",
}
# The site's address: absolute URLs in citations, feeds, the sitemap and canonical links. Empty
# (the sample): a copied citation takes the address the page is read at, and the build warns
# (shufa.baseurl, suppressed above).
html_baseurl = ""
