"""``weaklabel data``: fetch benchmark datasets into the user's data cache."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_data(args: argparse.Namespace) -> int:
    """``weaklabel data``: list, fetch or locate the benchmark data sets."""
    from ..io.fetch import MANIFEST, SOURCES, data_home, fetch, verify

    if args.data_command == "list":
        home = data_home()
        for name, src in sorted(SOURCES.items()):
            folder = home / src.folder
            state = "fetched" if (folder / MANIFEST).is_file() else "not fetched"
            print(f"{name:12} {state:12} {src.origin}; license: {src.license}")
        print(f"\ncache: {home} (set WEAKLABEL_DATA to move it)")
        return 0
    folder = fetch(args.name, root=args.root, mirror=args.mirror, force=args.force)
    manifest = verify(folder)
    print(f"{args.name}: {len(manifest['sha256'])} files in {folder}\n  from {manifest['origin']}"
          f"\n  license: {manifest['license']}\n  sha256 of each file recorded in {folder / MANIFEST}, "
          "checked whenever the data is loaded")
    return 0


def add_parser(sub: Any) -> None:
    """Register ``data``."""
    p = sub.add_parser("data", help="fetch benchmark datasets (youtube, sms, trec, raw UCI collections)")
    p.set_defaults(handler=cmd_data)
    dsub = p.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    q = dsub.add_parser("fetch", help="download a dataset from its public home into the cache")
    q.add_argument("name", help="youtube, sms, trec, youtube_raw or sms_raw")
    q.add_argument("--root", help="the data folder (default: $WEAKLABEL_DATA, else ~/.cache/weaklabel)")
    q.add_argument("--mirror", help="a URL (https:// or file://) with the same layout as the public home")
    q.add_argument("--force", action="store_true", help="download again even when a verified copy is there")
    dsub.add_parser("list", help="the datasets, where they come from, and which are in the cache")
