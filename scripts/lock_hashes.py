"""Add the sha256 hashes of every pinned package to a requirements lock (for pip --require-hashes).

    python scripts/lock_hashes.py requirements.lock            # rewrite it with --hash lines
    python scripts/lock_hashes.py requirements.lock --check    # exit 1 when a pin has no hash

The hashes come from the package index's simple pages (PEP 503: every file link carries
#sha256=...), for every file of the pinned version (wheels for every platform and the sdist),
so the lock installs on any platform the packages support. The index is $PIP_INDEX_URL, else
https://pypi.org/simple. Versions are never changed: regenerate the pins themselves first
(pip install -r requirements.in, pip freeze), then run this.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import urllib.request
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
LINK = re.compile(r'href="[^"]*/([^/"#]+)#sha256=([0-9a-f]{64})"')


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def file_version(filename: str) -> tuple[str, str] | None:
    """(normalized project name, version) of a wheel or sdist file name."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        return (normalize(parts[0]), parts[1]) if len(parts) >= 5 else None
    for suffix in (".tar.gz", ".zip", ".tar.bz2"):
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            name, _, version = stem.rpartition("-")
            return (normalize(name), version) if name else None
    return None


def hashes(index: str, name: str, version: str) -> list[str]:
    url = f"{index.rstrip('/')}/{normalize(name)}/"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (the configured index)
        page = response.read().decode("utf-8", "replace")
    found = []
    for filename, digest in LINK.findall(page):
        parsed = file_version(urllib.request.unquote(filename))
        if parsed == (normalize(name), version) or (parsed and parsed[0] == normalize(name)
                                                     and normalize(parsed[1]) == normalize(version)):
            found.append(digest)
    return sorted(set(found))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
    lines = args.lock.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    pins = [PIN.match(line.strip()) for line in lines]
    pins = [(m.group(1), m.group(2)) for m in pins if m]
    if args.check:
        text = args.lock.read_text()
        missing = [f"{n}=={v}" for n, v in pins if not re.search(rf"^{re.escape(n)}=={re.escape(v)} \\\n\s+--hash=", text, re.M)]
        for pin in missing:
            print(f"{args.lock}: {pin} has no --hash", file=sys.stderr)
        return 1 if missing else 0
    out = [*header] if header else [f"# Pinned, resolved environment with hashes (scripts/lock_hashes.py)."]
    for name, version in pins:
        digests = hashes(index, name, version)
        if not digests:
            raise SystemExit(f"no file of {name}=={version} on {index}")
        out.append(f"{name}=={version} \\")
        out += [f"    --hash=sha256:{d}" + (" \\" if i < len(digests) - 1 else "") for i, d in enumerate(digests)]
        print(f"{name}=={version}: {len(digests)} file(s)", flush=True)
    args.lock.write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
