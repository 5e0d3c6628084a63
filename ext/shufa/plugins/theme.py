"""Sphinx plugin: the site's look — CJK typography, bounded navigation, Chinese chrome.

Adds the stylesheet (CJK font stack, line height, the redaction mark), keeps
the navigation bounded on generated pages (no sidebar that lists the whole
archive: a per-page navigation tree makes build time grow with the square of
the number of pages), and provides the Chinese wording of template strings
the theme leaves in English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .. import __version__

HERE = Path(__file__).parent

#: Generated pages get no primary sidebar: their navigation is the breadcrumb
#: trail home → county → kind → year that the page itself carries.
BOUNDED_SIDEBARS = {"reports/**": [], "years/**": []}


def _configure(app: Sphinx, config: Config) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    sidebars = dict(config.html_sidebars)
    for pattern, value in BOUNDED_SIDEBARS.items():
        sidebars.setdefault(pattern, value)
    config.html_sidebars = sidebars


def setup(app: Sphinx) -> dict[str, Any]:
    # Our catalog is consulted after Sphinx's own and before the theme's (which leaves
    # "Color mode" and friends untranslated): see sphinx.locale.init's fallback chain.
    app.add_message_catalog("sphinx", str(HERE / "locale"))
    app.connect("config-inited", _configure)
    app.setup_extension("shufa.plugins.assets")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
