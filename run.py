"""Serve worldcafe: `python run.py` does what `worldcafe run` does."""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from worldcafe.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
