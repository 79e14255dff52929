"""`python -m worldcafe_loadtest relay PORT`: the bare relay the load test measures against."""

import sys

from worldcafe_loadtest.measure import serve_relay

if sys.argv[1:2] == ["relay"] and len(sys.argv) == 3:
    serve_relay(int(sys.argv[2]))
else:
    print("usage: python -m worldcafe_loadtest relay PORT", file=sys.stderr)
    raise SystemExit(2)
