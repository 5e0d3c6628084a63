"""Sphinx configuration of the archive. confdir is the repository root, srcdir is docs/.

Build with `make html` (or `sphinx-build -b html -c . docs _build/html`).
"""

project = "县域法治报告库"
author = "县域法治报告库编辑组"
copyright = "2026, 县域法治报告库编辑组（样例数据为虚构）"
language = "zh_CN"

# Our plugins (shufa.plugins.PLUGINS says what each does). A project that wants only some lists
# those instead: "shufa.plugins.domain" (or by its former name, "shufa.domain").
extensions = ["myst_parser", "sphinx_design", "shufa"]

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
