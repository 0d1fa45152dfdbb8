"""``mujun land review-*``: the 标准地 达产复核 in the store — create, list, publish, correct,
verify. The file commands of the same group (``idle``, ``review``) are ``cli/land.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from mujun.cli._store import (
    AsUser,
    acting_user,
    console,
    report_verification,
    store_session,
)
from mujun.cli.land import land_app

if TYPE_CHECKING:
    from mujun.services.land import review_views
    from mujun.store.models import LandReview

ReviewRef = Annotated[str, typer.Argument(help="review id or label, e.g. 2025-v1")]


def _show(r: LandReview | review_views.ReviewSummary) -> str:
    from mujun.store.models import LandReview

    if isinstance(r, LandReview):
        hashes = f", policy {r.policy_hash[:12]}, inputs {r.inputs_hash[:12]}"
    else:
        hashes = ""
    return escape(f"land review #{r.id} {r.label} [{r.status}] policy {r.policy_name}{hashes}: "
                  f"{r.n_rows} commitments, {r.n_due} due, {r.n_breaches} with breaches, "
                  f"penalties {r.total_penalty_wan:,.4f} 万元")


@land_app.command("review-create")
def create_cmd(
    year: Annotated[int, typer.Option("--year", help="the review year Y")],
    policy: Annotated[str | None, typer.Option(
        "--policy", help="a stored or shipped policy name [the policy for the year]")] = None,
    as_user: AsUser = None,
) -> None:
    """Freeze the store's commitments, parcels, owners' year-Y rows and projects with the policy,
    review every commitment (land.md §3) and store the rows (a draft)."""
    from mujun.services.land import reviews

    with store_session() as session:
        rec = reviews.create_review(session=session, actor=acting_user(session, as_user),
                                    year=year, policy_name=policy)
        console().print(_show(rec))


@land_app.command("review-list")
def list_cmd(year: Annotated[int | None, typer.Option("--year")] = None,
             as_user: AsUser = None) -> None:
    """List the stored reviews (newest first)."""
    from mujun.services.land import review_views

    with store_session() as session:
        page = review_views.reviews(session=session, actor=acting_user(session, as_user),
                                    filters=review_views.ReviewQuery(year=year), paged=False)
        for summary in page.items:
            console().print(_show(summary))


@land_app.command("review-publish")
def publish_cmd(review: ReviewRef, as_user: AsUser = None) -> None:
    """Publish a draft: the owners see their rows and may answer for 15 days."""
    from mujun.services.land import reviews

    with store_session() as session:
        rec = reviews.publish_review(session=session, actor=acting_user(session, as_user),
                                     review_id=review)
        console().print(_show(rec))


@land_app.command("review-correct")
def correct_cmd(review: ReviewRef, as_user: AsUser = None) -> None:
    """A new draft version of a published review from the store as it is now."""
    from mujun.services.land import reviews

    with store_session() as session:
        rec = reviews.correct_review(session=session, actor=acting_user(session, as_user),
                                     review_id=review)
        console().print(_show(rec))


@land_app.command("review-verify")
def verify_cmd(review: ReviewRef) -> None:
    """Recompute from the frozen inputs and policy; every stored row must be identical."""
    from mujun.services.land import reviews

    with store_session() as session:
        check = reviews.verify_review(session=session, review_id=review)
    report_verification(f"land review {check.review}", rows=check.rows_compared, unit="rows",
                        hashes={"inputs": check.inputs_ok, "policy": check.policy_ok},
                        mismatches=check.mismatches)
