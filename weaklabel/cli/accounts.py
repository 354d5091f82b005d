"""``weaklabel users`` and ``weaklabel hash-password``: the review app's accounts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..exceptions import InputError
from ._render import print_table


def cmd_users(args: argparse.Namespace) -> int:
    """``weaklabel users ACTION``: accounts in the project's label store."""
    from ..review.project import Project
    from ..review.store import ExpertLabelStore

    proj = Project.load(args.project)
    store = ExpertLabelStore(proj.store_url, project=proj.name)
    action = args.users_command
    if action == "list":
        table = store.accounts()
        print_table(table if not table.empty else table.assign(name=[], role=[]))
        return 0
    if action in ("add", "password"):
        password = _read_password()
        if action == "add":
            acc = store.add_account(args.name, password, role=args.role)
            print(f"Added {acc.name!r} ({acc.role})")
        else:
            store.set_password(args.name, password)
            print(f"New password for {args.name!r}; its sessions ended")
    elif action == "role":
        store.set_role(args.name, args.role)
        print(f"{args.name!r} is now {args.role}; its sessions ended")
    elif action == "remove":
        store.remove_account(args.name)
        print(f"Removed {args.name!r} and ended its sessions; its labels stay in the store")
    else:
        store.end_sessions(args.name)
        print(f"Ended every session of {args.name!r}")
    return 0


def _read_password() -> str:
    """Return the password: typed twice at a terminal (not echoed), else one line of stdin."""
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass("Password (10+ characters): ")
        if getpass.getpass("Again: ") != first:
            raise InputError("password: the two entries differ; nothing was changed")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Print ``name=<hash>`` for WEAKLABEL_APP_USERS; the password comes from stdin."""
    from ..review._store_schema import check_annotator
    from ..review.passwords import hash_password

    name = check_annotator(args.name)
    password = sys.stdin.readline().rstrip("\n")
    print(f"{name}={hash_password(password)}")
    return 0


def add_parser(sub: Any) -> None:
    """Register hash-password and users."""
    p = sub.add_parser("hash-password", help="hash a password for WEAKLABEL_APP_USERS (reads stdin)")
    p.set_defaults(handler=cmd_hash_password)
    p.add_argument("--name", required=True, help="the annotator the password belongs to")

    p = sub.add_parser("users", help="experts' accounts for the review app: add, list, password, role, remove, "
                                     "sign-out")
    p.set_defaults(handler=cmd_users)
    usub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    for action, text in (("add", "create an account (the password is read from stdin)"),
                         ("password", "set a new password (stdin); every session of the account ends"),
                         ("role", "make the account a lead or an annotator"),
                         ("remove", "delete the account and end its sessions (its labels stay)"),
                         ("sign-out", "end every session of the account"),
                         ("list", "names and roles")):
        q = usub.add_parser(action, help=text)
        q.add_argument("--project", default="weaklabel.toml")
        if action != "list":
            q.add_argument("name")
        if action == "add":
            q.add_argument("--role", default="annotator", choices=["annotator", "lead"])
        if action == "role":
            q.add_argument("role", choices=["annotator", "lead"])
