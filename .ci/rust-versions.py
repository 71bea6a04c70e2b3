#!/usr/bin/env python3
"""Fails when a package in Cargo.lock declares a `rust-version` newer than the crate's own.

The crate's `rust-version` is a promise: `cargo build --locked` works on that Rust. A
dependency updated in the lockfile to a release that needs a newer Rust breaks it silently
(uuid 1.29 needs 1.89). Reads `cargo metadata --locked` on stdin.
"""

import json
import sys


def version(text):
    """`1.88` or `1.85.0` as a comparable tuple of three numbers."""
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    metadata = json.load(sys.stdin)
    members = set(metadata["workspace_members"])
    ours = [p for p in metadata["packages"] if p["id"] in members]
    floor = max(version(p["rust_version"]) for p in ours if p.get("rust_version"))
    newer = sorted(
        (p["name"], p["version"], p["rust_version"])
        for p in metadata["packages"]
        if p["id"] not in members
        and p.get("rust_version")
        and version(p["rust_version"]) > floor
    )
    shown = ".".join(str(n) for n in floor)
    for name, release, needs in newer:
        print(f"{name} {release} needs Rust {needs}, newer than our rust-version {shown}")
    if newer:
        print(
            "pin each to the newest release that fits, e.g. "
            f"`cargo update -p {newer[0][0]} --precise <version>`",
            file=sys.stderr,
        )
        return 1
    print(f"every locked package builds on Rust {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
