"""Paging for the back office's big lists (tickets, orders, check-ins, bookings, leads).

Django's admin counts a list with ``COUNT(*)`` on every page it shows, and once more
over the whole table for "N total". A season holds a million tickets and five million
check-ins: on PostgreSQL such a count reads the whole table or index, seconds a page.
No maintained library does this for Django 5.2 (the admin mixins on PyPI either drop the
count altogether or page by cursor, which loses the page numbers), so here is one class.

The count is exact while it is small: counting stops after ``exact_up_to`` rows, which
an index finds at once. Past that the list is large, and the count is the planner's
estimate of the same query, never below what was counted. Such a count is marked
(``is_estimate``) and shown as "about N" (``templates/admin/pagination.html``), so the
list never passes an estimate off as a count; pages past the estimate's end open too,
empty when there is nothing there. A page is read by its keys first (``page``).
"""

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    exact_up_to = 10_000

    is_estimate = False
    #: A number of rows the list is known to have more than (a search's common word,
    #: ``expo/admin_search.py``): it is not counted then, where there is an estimate.
    more_than = None

    @cached_property
    def count(self):
        queryset = self.object_list.order_by()
        if self.more_than is not None and (estimate := planner_estimate(queryset)) is not None:
            self.is_estimate = True
            return max(estimate, self.more_than + 1)
        counted = queryset[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        estimate = planner_estimate(queryset)
        if estimate is None:
            return queryset.count()
        self.is_estimate = True
        return max(estimate, counted)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past an estimated end there may still be rows: the page shows what it finds.
            if self.is_estimate and int(number) > 1:
                return int(number)
            raise

    def page(self, number):
        """The page's rows, found in two steps: first their keys alone, in the list's
        order, which an index of that order answers without reading the rows it skips;
        then those rows with everything the list shows of them. In one step the database
        joins the related rows (ticket, scan point, device …) of every row it skips on
        the way to a deep page."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_estimate and top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


def planner_estimate(queryset):
    """How many rows PostgreSQL's planner expects ``queryset`` to have, from its
    statistics and without reading the rows; ``None`` on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # a driver that does not parse JSON
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeListMixin:
    """A model admin of a table that grows into the millions: estimated paging, and no
    second count over the whole table for "N total"."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.more_than = getattr(request, "matches_more_than", None)
        return paginator
