extensions = [
    "myst_parser",
    "shufa.data",
    "shufa.pages",
    "shufa.domain",
    "shufa.directives",
    "shufa.listings",
]
shufa_data_dir = "data"
language = "zh_CN"
exclude_patterns = ["_build", "data"]
suppress_warnings = ["myst.header"]
