# A second Sphinx project that cites the archive through intersphinx, with the report
# domain loaded (pip install the shufa package) so that {external:report:section} works.
extensions = ["myst_parser", "sphinx.ext.intersphinx", "shufa.domain"]
language = "zh_CN"
# The test points this at the built sample archive's objects.inv.
intersphinx_mapping = {}
myst_enable_extensions = []
