extensions = [
    "myst_parser",
    "shufa.plugins.data",
    "shufa.plugins.pages",
    "shufa.plugins.domain",
    "shufa.plugins.directives",
    "shufa.plugins.listings",
]
shufa_data_dir = "data"
language = "zh_CN"
exclude_patterns = ["_build", "data"]
suppress_warnings = ["myst.header"]
