"""The number filters the templates use (docs/numbers.md)."""

from __future__ import annotations

from jinja2 import Environment

from mujun.web.formats import register
from mujun.web.render import templates


def _render(source: str, **values: object) -> str:
    env = Environment(autoescape=True)
    register(env)
    return env.from_string(source).render(**values)


def test_the_pages_environment_has_the_filters() -> None:
    assert {"num", "pct", "score", "money", "yi", "mu", "m2_mu", "signed",
            "county_total", "county_unit"} <= set(templates.env.filters)


def test_filters() -> None:
    assert _render("{{ x|num }} {{ n|num }} {{ none|num }}", x=-0.001, n=1265, none=None) \
        == "0.00 1,265 —"
    assert _render("{{ x|score }} {{ x|num(4) }}", x=87.123456) == "87.12 87.1235"
    assert _render("{{ x|money }} · {{ x|yi }}", x=4439375.9213) == "4,439,375.92 · 443.94"
    assert _render("{{ x|pct }}", x=-0.2395652069754258) == "−23.96%"
    assert _render("{{ a|m2_mu }} {{ a|m2 }}", a=20000.0) == "30.00 20,000"
    assert _render("{{ b|signed }} {{ (-p)|signed }} {{ (-z)|signed }}", b=1.5, p=2.0, z=0.0) \
        == "+1.50 −2.00 0.00"
    assert _render("{{ v|county_total(u) }} ({{ u|county_unit }})", v=492000.0, u="万元") \
        == "49.20 (亿元)"
    assert _render("{{ v|county_total(u) }} ({{ u|county_unit }})", v=12.345, u="万元/亩") \
        == "12.35 (万元/亩)"
