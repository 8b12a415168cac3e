"""Runs the boto3 / AWS CLI suite (stdlib unittest) and ends with the line `N passed, N failed`.

Usage: run_tests.py [-k substring]... [module.Class.test ...]
Exit status 0 only when nothing failed and at least one test ran.

RIVULET_ENDPOINT is http(s)://127.0.0.1:<port> (or localhost); over https RIVULET_CA_FILE names the
PEM certificate to trust. With RIVULET_AUTH_VERIFY=1 the server checks signatures, so only
test_auth.py runs (the other suites sign with keys such a server does not know).
"""

from __future__ import annotations

import argparse
import os
import socket
import ssl
import sys
import time
import unittest
import urllib.parse


def preflight() -> str | None:
    """A clear message instead of dozens of 'connection refused' tracebacks."""
    endpoint = os.environ.get("RIVULET_ENDPOINT", "")
    parsed = urllib.parse.urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or parsed.hostname not in ("127.0.0.1", "localhost") or not parsed.port:
        return f"RIVULET_ENDPOINT must be http(s)://127.0.0.1:<port> or http(s)://localhost:<port>, got {endpoint!r}"
    ca_file = os.environ.get("RIVULET_CA_FILE", "").strip() or None
    if ca_file and not os.path.isfile(ca_file):
        return f"RIVULET_CA_FILE {ca_file!r} is not a file"
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=5) as sock:
            if parsed.scheme == "https":
                context = ssl.create_default_context(cafile=ca_file)
                with context.wrap_socket(sock, server_hostname=parsed.hostname):
                    pass
            return None
    except ssl.SSLError as error:
        trusted = f"RIVULET_CA_FILE={ca_file}" if ca_file else "the system trust store (RIVULET_CA_FILE is not set)"
        return f"TLS handshake with {endpoint} failed, trusting {trusted}: {error}"
    except OSError as error:
        return f"cannot connect to {endpoint}: {error}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", dest="patterns", action="append", default=[], help="only tests whose id contains this")
    parser.add_argument("tests", nargs="*", help="dotted test names, e.g. test_put_record.PutRecordTests")
    args = parser.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{pattern}*" for pattern in args.patterns]
    if args.tests:
        suite = loader.loadTestsFromNames(args.tests)
    else:
        # A verifying server knows only the keys of RIVULET_CREDENTIALS_FILE: run just the tests written for it.
        auth_verify = os.environ.get("RIVULET_AUTH_VERIFY", "").strip() == "1"
        suite = loader.discover(here, pattern="test_auth.py" if auth_verify else "test_*.py", top_level_dir=here)

    unreachable = preflight()
    if unreachable:
        print(unreachable)
        print(f"0 passed, {max(1, suite.countTestCases())} failed", flush=True)
        return 1

    started = time.monotonic()
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, buffer=False).run(suite)
    elapsed = time.monotonic() - started

    # A test with failing subtests counts once; a setUpClass error (an _ErrorHolder, not a test
    # that ran) counts as one failure of its own.
    failed_ids: set[str] = set()
    holders: set[str] = set()
    for test, _ in result.failures + result.errors:
        if isinstance(test, unittest.case._SubTest):
            test = test.test_case
        (failed_ids if isinstance(test, unittest.TestCase) else holders).add(test.id())
    for test in result.unexpectedSuccesses:
        failed_ids.add(test.id())
    skipped = len(result.skipped)
    passed = max(0, result.testsRun - skipped - len(result.expectedFailures) - len(failed_ids))
    failed = len(failed_ids) + len(holders)
    print(f"python suite: {result.testsRun} run, {skipped} skipped, {elapsed:.1f}s")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
