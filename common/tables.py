"""Tables whose rows are drawn in one template pass.

django-tables2 keeps what it does well (headers, sorting, pagination), but its per-cell rendering
(an accessor, an attrs dict and often a template for every cell) was two thirds of a list page's
CPU (bench/). A `OnePassTable` hands the page's records to `rows_template`, which writes every
row in one loop; `prepare` adds the few per-row values a template cannot compute.
"""
from functools import cached_property

import django_tables2 as tables


class OnePassTable(tables.Table):
    rows_template: str = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_name", "common/table.html")
        super().__init__(*args, **kwargs)
        # Under 768 px each row is a card of "header: value" lines (app.css, app.js `cardTables`).
        self.attrs = {**self.attrs, "class": f"{self.attrs.get('class', 'table')} table-cards"}

    @cached_property
    def page_records(self) -> list:
        records = [row.record for row in self.paginated_rows]
        self.prepare(records)
        return records

    @cached_property
    def visible_names(self) -> list[str]:
        """The columns drawn, in order: after Meta.sequence and any `exclude` a view passes, for rows
        templates whose columns depend on the reader."""
        return [column.name for column in self.columns]

    def prepare(self, records: list) -> None:
        """Set per-row values on the page's records (nothing by default)."""
