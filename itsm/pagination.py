"""A paginator that never counts: for searches, where COUNT(*) would read every match."""

from dataclasses import dataclass


@dataclass
class _Paginator:
    num_pages: None = None  # unknown without counting


class SlicePage:
    """One page of rows plus whether more follow; quacks like Django's Page in templates."""

    def __init__(self, rows, number: int, has_next: bool):
        self.object_list = list(rows)
        self.number = number
        self.paginator = _Paginator()
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def slice_page(queryset, page_param, per_page: int) -> SlicePage:
    """Rows of page `page_param`, reading one row more than shown to know if another follows."""
    try:
        number = max(1, int(page_param or 1))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return SlicePage(rows[:per_page], number, len(rows) > per_page)
