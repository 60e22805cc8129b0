"""django-tables2 data whose sorting and slicing happen in SQL (the growth, silent-pages and engagement tables):
the table asks for one page of rows, read by the view's own statement."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest
from django_tables2 import RequestConfig
from django_tables2.data import TableData
from django_tables2.utils import OrderBy, OrderByTuple

from unionportal.lib.query import MAX_PER_PAGE, query_int

from .growth import GrowthRow


def order_from_aliases(table, aliases: OrderByTuple) -> list[str]:
    """The table's sort (django-tables2 aliases, `-` for descending) as SORT_KEYS names."""
    order = []
    for alias in aliases:
        bound_column = table.columns[OrderBy(alias).bare]
        same = alias[0] == bound_column.order_by_alias[0]
        accessors = bound_column.order_by if same else bound_column.order_by.opposite
        order += [str(accessor) for accessor in accessors]
    return order


class SqlGrowthData(TableData):
    """django-tables2 data whose sorting and slicing happen in SQL: the table asks for one page of rows.

    The view hands over the page it has read with the totals (`prefetched`); `fetch(order, offset, limit)`
    reads any other slice. `cells` turns a GrowthRow into the table's record."""

    def __init__(self, *, fetch, cells):
        super().__init__([])
        self.fetch, self.cells = fetch, cells
        self.count = 0
        self.order: list[str] = []
        self.pages: dict[tuple, list] = {}

    def prefetched(self, *, count: int, order: Sequence[str], offset: int, rows: list[GrowthRow]) -> None:
        self.count = count
        self.pages[(tuple(order), offset, len(rows))] = rows

    def _slice(self, offset: int, limit: int | None) -> list:
        known = self.pages.get((tuple(self.order), offset, limit))
        rows = known if known is not None else self.fetch(self.order, offset, limit)
        return [self.cells(row) for row in rows]

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self._slice(0, None))

    def __getitem__(self, key):
        if isinstance(key, slice):
            start = key.start or 0
            stop = self.count if key.stop is None else min(key.stop, self.count)
            return self._slice(start, stop - start) if stop > start else []
        return self._slice(key, 1)[0]

    def order_by(self, aliases) -> None:
        self.order = order_from_aliases(self.table, aliases)


MAX_PAGE = 1_000_000  # a page number past any table (the last page is shown)


def requested_slice(
    request: HttpRequest, *, default: int, per_page_field: str = "per_page", page_field: str = "page"
) -> tuple[int, int]:
    """The offset and size of the page of rows the address asks for (a bad value: the first page, `default`
    rows; at most MAX_PER_PAGE)."""
    size = min(query_int(request.GET.get(per_page_field), minimum=1) or default, MAX_PER_PAGE)
    number = query_int(request.GET.get(page_field), minimum=1, maximum=MAX_PAGE) or 1
    return (number - 1) * size, size


def sql_table(request: HttpRequest, table_class, *, fetch, cells, default: int = 50, **table_kwargs):
    """A table whose data are read in SQL (`SqlGrowthData`): the table, its order from the address (no query)
    and the asked page's offset and size."""
    data = SqlGrowthData(fetch=fetch, cells=cells)
    table = table_class(data, **table_kwargs)
    RequestConfig(request, paginate=False).configure(table)
    offset, size = requested_slice(
        request, default=default, per_page_field=table.prefixed_per_page_field, page_field=table.prefixed_page_field
    )
    return data, table, tuple(data.order), offset, size
