"""The checks the Glue client scripts make: check() prints "ok: DESCRIPTION" when the expected and actual values are
equal, else "FAILED: …" and exits 1; passed() is how many passed (for the closing "all N checks passed" line the
tests look for). Imported from the script's own folder (Python puts it first on sys.path)."""
import sys

_passed = 0


def check(description, expected, actual):
    global _passed
    if expected != actual:
        print(f"FAILED: {description}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    _passed += 1
    print(f"ok: {description}")


def passed():
    return _passed
