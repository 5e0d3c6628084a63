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
    "shufa.plugins.data",  # the model: load and validate data/
    "shufa.plugins.pages",  # generate the thin report, county and year pages
    "shufa.plugins.domain",  # the `report` domain: targets, roles, objects.inv
    "shufa.plugins.directives",  # report page blocks built from the model
    "shufa.plugins.listings",  # home, county and year listings
    "shufa.plugins.crossyear",  # year switcher, topics across years, topic × year tables
    "shufa.plugins.compare",  # text reuse rates and year-to-year comparison pages
    "shufa.plugins.metrics",  # figures marked in the text, series and charts, metric index
    "shufa.plugins.anchors",  # the anchor lock: published anchors must keep resolving
    "shufa.plugins.redirects",  # redirect pages at former county slugs, keeping the #fragment
    "shufa.plugins.theme",  # CJK typography, chrome translations, bounded navigation
    "shufa.plugins.schemadoc",  # the data-format reference, rendered from the schema
    "shufa.plugins.memory",  # keep the garbage collector from rescanning the whole build
    "shufa.plugins.citation",  # GB/T 7714 cite controls, BibTeX and CSL-JSON downloads
    "shufa.plugins.sources",  # the original file of each report, offered as 原文 with its checksum
    "shufa.plugins.search",  # Chinese search that finds phrases, places and figures, by section
    "shufa.plugins.export",  # archive.json, sitemap.xml, page descriptions and Open Graph
    "shufa.plugins.series",  # a county's years, latest, any two years compared, topic histories
    "shufa.plugins.feeds",  # Atom feeds of new reports, the archive's and each county's
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
