"""Progress on standard error for the commands that can take more than a moment.

Shown when standard error is a terminal. ``mujun --quiet …`` (or ``MUJUN_PROGRESS=never``) hides
it; ``mujun --progress …`` (or ``MUJUN_PROGRESS=always``) draws it even when standard error is
not a terminal. Results never go through it: standard output stays clean when piped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

MODES = ("auto", "always", "never")
ENV = "MUJUN_PROGRESS"

_mode: str | None = None  # from the command line; None: the environment decides

#: report the next stage of a long command, e.g. ``step("writing result-2024.xlsx")``
Step = Callable[[str], None]


def set_mode(mode: str | None) -> None:
    """Called by the ``mujun`` callback with ``always``/``never``, or None for the default."""
    global _mode
    _mode = mode


def mode() -> str:
    chosen = _mode or os.environ.get(ENV, "auto").strip().lower()
    return chosen if chosen in MODES else "auto"


def progress_console() -> Console | None:
    """The console progress is drawn on, or None when it is not shown."""
    chosen = mode()
    if chosen == "never":
        return None
    if chosen == "always":
        return Console(stderr=True, force_terminal=True)
    console = Console(stderr=True)
    return console if console.is_terminal else None


def bar() -> Progress:
    """A transient progress display on standard error (disabled when progress is not shown).

    Standard output is not redirected, so a result printed meanwhile still goes to standard
    output; standard error (problems, warnings) is printed above the display."""
    from rich.progress import (  # here: only the commands that draw progress need it
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = progress_console()
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=20),
        TaskProgressColumn(), TimeElapsedColumn(),
        console=console or Console(stderr=True), disable=console is None, transient=True,
        redirect_stdout=False,
    )


@contextmanager
def stages(first: str) -> Iterator[Step]:
    """A spinner naming the current stage of a command; call the yielded step with the next."""
    with bar() as progress:
        task = progress.add_task(first, total=None)

        def step(description: str) -> None:
            progress.update(task, description=description)
            progress.refresh()

        yield step
