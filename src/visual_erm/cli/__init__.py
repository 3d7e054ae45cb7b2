"""The `visual-erm` command. Each sub-module registers its commands on `app`."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="visual-erm",
    help="Render vision-to-code outputs safely, judge them against a reference image in visual space, turn verdicts into rewards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command family; a module that is missing (its extra not installed) must not break the others.
_COMMAND_MODULES = ("setup", "render", "judge", "reward", "bench", "serve", "data", "refine", "demo")

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"visual_erm.cli.{_name}")
    except ModuleNotFoundError as exc:  # only our own not-yet-present modules are tolerated
        if exc.name != f"visual_erm.cli.{_name}":
            raise


def main() -> None:
    app()
