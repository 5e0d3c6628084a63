"""``python -m shufa``: the ``shufa`` command."""

import sys

from shufa.commands import main

if __name__ == "__main__":
    sys.exit(main())
