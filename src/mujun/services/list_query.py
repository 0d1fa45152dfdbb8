"""One list mechanism for every list of the pages and the API (docs/lists.md).

A list's query is a ``ListQuery`` subclass: page, page size, a sort key with its direction
(``"score"`` ascending, ``"-score"`` descending) and the list's own filters as fields. An empty
query value (a form's "全部" option) means "not given". The answer is a ``Page`` of rows with the
total the filters select; the .xlsx export of a list asks for the same query unpaged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, Field, ValidationInfo, computed_field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

MAX_PAGE_SIZE = 500

T = TypeVar("T")


class Option(BaseModel):
    """One choice of a filter's dropdown, fed by the data (a town, an industry, a class)."""

    value: str
    label: str


def options(labels: Mapping[str, str] | Sequence[Any]) -> list[Option]:
    """Dropdown choices from ``{value: label}`` or plain values (their own label)."""
    if isinstance(labels, Mapping):
        return [Option(value=str(k), label=v) for k, v in labels.items()]
    return [Option(value=str(v), label=str(v)) for v in labels]


class ListQuery(BaseModel):
    """Paging and sorting; subclasses add their filters and name their sort keys."""

    #: the keys a list may be sorted by (the first one's direction comes from ``DEFAULT_SORT``)
    SORTS: ClassVar[tuple[str, ...]] = ()
    DEFAULT_SORT: ClassVar[str] = ""
    DEFAULT_PER_PAGE: ClassVar[int] = 50

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=0, ge=0, le=MAX_PAGE_SIZE,
                          description="rows per page (0 or empty: the list's default)")
    sort: str = Field(default="", max_length=40,
                      description="a sort key, '-' in front for descending")

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        """A form's empty field (年度 "最新", 档次 "全部") means "not given", not an error."""
        if (value == "" or value == []) and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value and value.removeprefix("-") not in cls.SORTS:
            raise ValueError(f"不能按 {value!r} 排序，可选：{', '.join(cls.SORTS)}")
        return value

    @property
    def sort_order(self) -> str:
        return self.sort or self.DEFAULT_SORT

    @property
    def sort_key(self) -> str:
        return self.sort_order.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort_order.startswith("-")

    @property
    def size(self) -> int:
        return self.per_page or self.DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def params(self, **changes: Any) -> dict[str, str]:
        """The query's values that differ from the defaults, with ``changes``: what a link or
        the export carries. A change of anything but the page goes back to page 1."""
        values = self.model_dump()
        if changes and "page" not in changes:
            changes["page"] = 1
        values.update(changes)
        defaults = {k: f.get_default(call_default_factory=True)
                    for k, f in type(self).model_fields.items()}
        out = {}
        for key, value in values.items():
            if value is None or value == defaults.get(key) or value == "":
                continue
            out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return out

    def url(self, **changes: Any) -> str:
        """``params`` as a query string (without ``?``)."""
        return urlencode(self.params(**changes))

    def sorted_by(self, key: str) -> str:
        """The query string of a header's link: by ``key``, the other direction when the list is
        already sorted by it."""
        if self.sort_key == key:
            return self.url(sort=key if self.descending else f"-{key}")
        return self.url(sort=key)

    def filters(self) -> dict[str, str]:
        """The filters alone (no paging, no sort), for the filter form's hidden fields."""
        return {k: v for k, v in self.params().items() if k not in ("page", "per_page", "sort")}


class Page(BaseModel, Generic[T]):
    """One page of a list: the rows and where they stand in the whole selection."""

    total: int
    page: int
    per_page: int
    sort: str
    items: list[T]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1


def page_fields(q: ListQuery, total: int, paged: bool) -> dict[str, Any]:
    """The paging fields of a ``Page`` answering ``q`` (unpaged: one page of everything)."""
    return {"total": total, "page": q.page if paged else 1,
            "per_page": q.size if paged else max(total, 1), "sort": q.sort_order}


def sql_rows(session: Session, query: Any, q: ListQuery, *, paged: bool = True
             ) -> tuple[int, list[Any]]:
    """The total a sorted SELECT selects and the rows of the query's page (every row unpaged)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if paged:
        query = query.limit(q.size).offset(q.offset)
    return total or 0, list(session.execute(query))


def sort_rows(rows: Sequence[T], key: Callable[[T], Any], descending: bool) -> list[T]:
    """Rows sorted by ``key`` in either direction, rows without a value last, ties in the order
    they came (a stable sort)."""
    present = [r for r in rows if key(r) is not None]
    present.sort(key=key, reverse=descending)
    return present + [r for r in rows if key(r) is None]


def list_rows(rows: Sequence[T], q: ListQuery, keys: dict[str, Callable[[T], Any]], *,
              paged: bool = True) -> tuple[int, list[T]]:
    """``sql_rows`` for a list held in memory: sorted by the query's key (``keys[q.sort_key]``),
    then paged."""
    ordered = sort_rows(rows, keys[q.sort_key], q.descending)
    return len(ordered), (ordered[q.offset:q.offset + q.size] if paged else ordered)
