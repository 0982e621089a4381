"""Commands that set a ledger up: init, person add, council add/remove, meeting add."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import act, parse_day, reported, show
from .options import AtOpt, EmailOpt, JsonOpt, LedgerOpt, PersonArg

if TYPE_CHECKING:
    from ..store.vscode import Plan


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    person = typer.Typer(
        help="People referenced by the ledger (people.yaml).", no_args_is_help=True
    )
    person.command("add")(person_add)
    person.command("edit")(person_edit)
    from .cases import person_show

    person.command("show")(person_show)
    app.add_typer(person, name="person")
    council = typer.Typer(help="The council roster in policy.yaml.", no_args_is_help=True)
    council.command("add")(council_add)
    council.command("remove")(council_remove)
    app.add_typer(council, name="council")
    meeting = typer.Typer(help="Council meetings, where cases are reviewed.", no_args_is_help=True)
    meeting.command("add")(meeting_add)
    app.add_typer(meeting, name="meeting")


def init(
    lead: Annotated[
        str, typer.Option("--lead", metavar="ID", help="Person id of the project lead.")
    ],
    path: Annotated[
        Path, typer.Argument(help="Where to create the ledger (default: here).")
    ] = Path("."),
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="The lead's name.")
    ] = None,
    email: Annotated[
        str | None,
        typer.Option(
            "--email", metavar="EMAIL", help="The lead's email (default: your git email)."
        ),
    ] = None,
    community: Annotated[
        str, typer.Option("--community", metavar="NAME", help="The community's name.")
    ] = "Mautic",
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact",
            metavar="EMAIL",
            help="Where reports and appeals go, named in every draft (default: a placeholder "
            "that `coc validate` warns about).",
        ),
    ] = None,
    ci_install: Annotated[
        str | None,
        typer.Option(
            "--ci-install",
            metavar="SPEC",
            help="What the CI workflow installs with pip (default: this release, "
            "cocledger==VERSION; until a release is on your registry, a git URL at a commit: "
            '"cocledger @ git+https://github.com/OWNER/cocledger@COMMIT").',
        ),
    ] = None,
    sealed: Annotated[
        bool,
        typer.Option(
            "--sealed",
            help="Seal confidential fields to the council members who may read each case "
            "(docs/privacy.md); each member then runs `coc key new` and `coc key add`.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a ledger with the Mautic policy.

    The lead sits on the council; --contact is where reports and appeals go. PATH may be a
    folder of a larger git repository: the ledger is then that folder, and its commits touch
    only it.
    """
    from ..actions.setup import init as init_action
    from ..core.defaults import PLACEHOLDER
    from ..errors import RefusedError
    from ..store import git, repository, templates, vscode

    root = path.resolve()
    if (root / "policy.yaml").exists():
        raise RefusedError(f"{root} already holds a ledger (policy.yaml exists)")
    outer = next((p for p in root.parents if (p / "policy.yaml").is_file()), None)
    if outer is not None:
        raise RefusedError(
            f"{root} is inside the ledger at {outer}: a ledger's folders hold its records; "
            "create the new ledger elsewhere"
        )
    existing = next(p for p in (root, *root.parents) if p.is_dir())
    who = email or git.author_email(existing)
    from .common import now

    top = git.work_tree_top(existing)
    in_folder = top is not None and top != root
    editor = vscode.plan(root, top if in_folder else None)  # refuses before anything is made
    outcome = init_action(
        now(),
        lead,
        name or lead,
        who,
        community,
        templates.defaults(),
        contact or PLACEHOLDER,
        ci_install,
        in_folder,
        None if in_folder else editor.settings.text,
        sealed,
    )
    assert outcome.change is not None
    fresh = [p for p in (root, root / ".git") if not p.exists()]
    if in_folder:  # a folder of the repository around it, not a repository of its own
        fresh = [p for p in (root, *root.parents) if not p.exists()][-1:]
    try:
        git.init_repo(root)
        with repository.session(root) as repo:
            sha = repo.commit(outcome.change)
    except BaseException as exc:
        for created in reversed(fresh):  # a failed init leaves nothing behind
            shutil.rmtree(created, ignore_errors=True)
        if "identity" in str(exc).lower():
            raise RefusedError(
                "git does not know who you are: set `git config --global user.name` and "
                "`user.email` (or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL), then run `coc init` again"
            ) from None
        raise
    reported(sha, lambda: show(outcome, sha, as_json))
    _editor_settings(editor, in_folder)


def _editor_settings(editor: Plan, in_folder: bool) -> None:
    """VS Code reads its settings at the work tree's top: for a ledger in a folder, that file is
    the repository's, outside the ledger's commits (SPEC §2), so it is written and left for the
    user to commit."""
    from ..store import vscode

    note = editor.settings.note
    if in_folder and editor.settings.text is not None:
        try:
            vscode.write(editor)
        except OSError as exc:  # the ledger is made all the same: say what the file should hold
            note = f"Could not write {editor.name} ({exc.strerror or exc}); it should hold:\n"
            typer.echo(note + editor.settings.text.rstrip("\n"), err=True)
            return
        note = note or f"Wrote the ledger's schemas to {editor.name}."
        note += " VS Code reads it there, at the repository's top, outside the ledger: commit it."
    if note:
        typer.echo(note, err=True)


def person_add(
    person_id: PersonArg,
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Full name.")],
    email: EmailOpt = None,
    handle: Annotated[
        list[str] | None,
        typer.Option("--handle", metavar="CHANNEL:VALUE", help="CHANNEL:VALUE, repeatable."),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a person to people.yaml."""
    from ..actions.setup import person_add as action

    act(
        ledger,
        at,
        "person add",
        lambda s, a, w: action(s, a, w, name, person_id, email, handle or []),
        as_json,
    )


def person_edit(
    person_id: PersonArg,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Full name.")] = None,
    email: EmailOpt = None,
    handle: Annotated[
        list[str] | None,
        typer.Option(
            "--handle",
            metavar="CHANNEL:VALUE",
            help="CHANNEL:VALUE to set, CHANNEL: to remove; repeatable.",
        ),
    ] = None,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a person's name, email or handles in people.yaml."""
    from ..actions.setup import person_edit as action

    act(
        ledger,
        at,
        "person edit",
        lambda s, a, w: action(s, a, w, person_id, name, email, handle or []),
        as_json,
    )


def council_add(
    person_id: PersonArg,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Put a person on the council roster."""
    from ..actions.setup import council_add as action

    act(ledger, at, "council add", lambda s, a, w: action(s, a, w, person_id), as_json)


def council_remove(
    person_id: PersonArg,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take a person off the council roster."""
    from ..actions.setup import council_remove as action

    act(ledger, at, "council remove", lambda s, a, w: action(s, a, w, person_id), as_json)


def meeting_add(
    day: Annotated[str, typer.Argument(metavar="DATE", help="ISO date of the meeting.")],
    extraordinary: Annotated[
        bool, typer.Option("--extraordinary", help="An extraordinary meeting (serious cases).")
    ] = False,
    ledger: LedgerOpt = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Schedule a council meeting."""
    from ..actions.setup import meeting_add as action

    meeting = parse_day(day, "DATE")
    act(
        ledger,
        at,
        "meeting add",
        lambda s, a, w: action(s, a, w, meeting, extraordinary),
        as_json,
    )
