"""The county's policies in the store (docs/policy.md, "Policies in the store"): upload → check →
save as a version → what changed → a run with it freezes exactly the stored text; a refused
upload stores nothing; the policy for a year. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_helpers import load_county, table_counts

from mujun.engine.policy import load_shipped_policy
from mujun.services import runs
from mujun.services.errors import InvalidInput, PermissionDenied
from mujun.services.policies import choice, stored
from mujun.store.models import AuditRecord, StoredPolicy, User

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
COUNTY_2024 = """# 本县 2024 年办法
name: county-2024
title: 某县工业企业亩均效益综合评价办法（2024）
years: {from: 2024, to: null}
groups:
  above:
    indicators:
      tax_per_mu: {title: 亩均税收, numerator: tax_paid, denominator: land_mu, weight: 60}
      va_per_mu: {title: 亩均增加值, numerator: value_added, denominator: land_mu, weight: 40}
  below: {}
"""


def test_upload_is_kept_verbatim_with_who_when_hash_and_years(session: Session,
                                                                admin: User) -> None:
    saved = stored.store_policy(session=session, actor=admin, text=COUNTY_2024,
                                filename="county.yaml", now=T0)
    session.commit()
    row = session.scalars(select(StoredPolicy)).one()
    assert (row.name, row.version, row.title) == (
        "county-2024", 1, "某县工业企业亩均效益综合评价办法（2024）")
    assert row.text == COUNTY_2024  # comments and layout as uploaded
    assert row.sha256 == stored.text_sha256(COUNTY_2024) and len(row.sha256) == 64
    assert (row.years_from, row.years_to) == (2024, None)
    assert (row.uploaded_by_id, row.uploaded_at, row.filename) == (admin.id, T0, "county.yaml")
    assert row.policy_hash == stored.loaded(saved).hash
    audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "policy.store")).one()
    assert audit.after is not None and audit.after["sha256"] == row.sha256


def test_a_new_version_shows_what_changed(session: Session, admin: User) -> None:
    stored.store_policy(session=session, actor=admin, text=COUNTY_2024, now=T0)
    v2 = COUNTY_2024.replace("weight: 60", "weight: 55").replace("weight: 40", "weight: 45") \
        + "low_efficiency: {tax_per_mu_below: 2.5}\n"
    saved = stored.store_policy(session=session, actor=admin, text=v2, now=T0)
    session.commit()
    assert saved.version == 2
    diff = stored.changes_from_previous(session=session, actor=admin, name="county-2024")
    assert diff.previous is not None and diff.previous.version == 1
    assert [(c.key, c.old, c.new, c.unit) for c in diff.changes] == [
        ("low_efficiency.tax_per_mu_below", (("", "2"),), (("", "2.5"),), "万元/亩"),
        ("groups.above.indicators.tax_per_mu.weight", (("", "60"),), (("", "55"),), "分"),
        ("groups.above.indicators.va_per_mu.weight", (("", "40"),), (("", "45"),), "分"),
    ]
    first = stored.changes_from_previous(session=session, actor=admin, name="county-2024",
                                         version=1)
    assert first.previous is None and first.changes == []
    # the same text again is no new version
    with pytest.raises(InvalidInput, match="完全相同"):
        stored.store_policy(session=session, actor=admin, text=v2, now=T0)


@pytest.mark.parametrize("text, key", [
    ("name: broken\ncap: abc\n", "cap"),
    ("name: [unclosed\n", ""),
    (COUNTY_2024.replace("weight: 60", "weight: 50"), "groups.above.indicators"),
    ("name: zhejiang-template\n", "name"),
])
def test_a_refused_upload_stores_nothing(session: Session, admin: User, text: str,
                                         key: str) -> None:
    before = table_counts(session)
    with pytest.raises(stored.PolicyRefused) as refused:
        stored.store_policy(session=session, actor=admin, text=text, filename="bad.yaml")
    session.commit()
    assert [k for k, _ in refused.value.problems] == [key]
    assert "未保存" in str(refused.value)
    assert table_counts(session) == before
    assert session.scalar(select(func.count()).select_from(StoredPolicy)) == 0


def test_only_the_admin_stores(session: Session) -> None:
    clerk = User(username="clerk1", role="clerk", department="tax", active=True,
                 password_hash="x")
    session.add(clerk)
    session.flush()
    with pytest.raises(PermissionDenied):
        stored.store_policy(session=session, actor=clerk, text=COUNTY_2024)
    assert stored.versions(session=session, actor=clerk) == []


def test_a_run_with_a_stored_policy_freezes_its_text(session: Session, admin: User,
                                                     tmp_path: Path) -> None:
    load_county(session, admin, tmp_path, n=20)
    stored.store_policy(session=session, actor=admin, text=COUNTY_2024, now=T0)
    run = runs.create_run(session=session, actor=admin, year=2024, policy_name="county-2024",
                          now=T0)
    session.commit()
    assert run.policy_text == COUNTY_2024 and run.policy_name == "county-2024"
    assert run.policy_title == "某县工业企业亩均效益综合评价办法（2024）"
    assert run.title == "2024 年度 第 1 版 · 某县工业企业亩均效益综合评价办法（2024）"
    assert runs.verify_run(session=session, run=run).ok
    # no policy named: the one that applies to the year, the stored county policy for 2024…
    auto = runs.create_run(session=session, actor=admin, year=2024, now=T0)
    assert auto.policy_text == COUNTY_2024
    # …the same from the command line's path (a stored name wins over a file lookup)
    by_cli = runs.create_run(session=session, actor=admin, year=2024, policy="county-2024",
                             now=T0)
    assert by_cli.policy_hash == run.policy_hash


def test_the_policy_for_a_year(session: Session, admin: User) -> None:
    assert choice.policy_for(session, 2024).policy.name == "zhejiang-template"
    stored.store_policy(session=session, actor=admin, text=COUNTY_2024, now=T0)
    assert choice.policy_for(session, 2023).policy.name == "zhejiang-template"
    assert choice.policy_for(session, 2024).policy.name == "county-2024"
    assert choice.policy_for(session, 2030).policy.name == "county-2024"
    names = [(c.name, c.source) for c in choice.choices(session, 2023)]
    assert names == [("zhejiang-template", "shipped")]
    assert [c.name for c in choice.choices(session)] == [
        "county-2024", "songyang-2024", "zhejiang-template"]
    # a stored policy shadows a shipped one of the same name
    text = load_shipped_policy("songyang-2024").text.replace("weight: 40", "weight: 45") \
        .replace("weight: 15, scale: 100", "weight: 10, scale: 100")
    stored.store_policy(session=session, actor=admin, text=text, now=T0)
    assert choice.named_policy(session, "songyang-2024").text == text
    with pytest.raises(Exception, match="没有名为"):
        choice.named_policy(session, "/etc/passwd")


def test_policy_store_and_list_commands(cli_env: str, tmp_path: Path) -> None:
    """`mujun policy store FILE` / `mujun policy list --stored`: thin over the same service."""
    from typer.testing import CliRunner

    from mujun.cli.main import app

    runner = CliRunner()
    good = tmp_path / "county.yaml"
    good.write_text(COUNTY_2024, encoding="utf-8")
    result = runner.invoke(app, ["policy", "store", str(good), "--note", "2024 年修订"])
    assert result.exit_code == 0, result.output
    sha = stored.text_sha256(COUNTY_2024)
    assert result.output == (f"stored: county-2024 v1, years 2024–, sha256 {sha[:12]}, "
                             "某县工业企业亩均效益综合评价办法（2024）\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncap: abc\n", encoding="utf-8")
    refused = runner.invoke(app, ["policy", "store", str(bad)])
    assert refused.exit_code == 1 and "cap:" in refused.output
    again = runner.invoke(app, ["policy", "store", str(good)])
    assert again.exit_code == 1 and "完全相同" in again.output
    listed = runner.invoke(app, ["policy", "list", "--stored"])
    assert listed.exit_code == 0
    assert listed.output.split("\t")[:5] == [
        "county-2024", "v1", "2024–", "某县工业企业亩均效益综合评价办法（2024）", sha[:12]]
    assert listed.output.count("\n") == 1
