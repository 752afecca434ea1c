from django.db import models


class WorkOrderTerm(models.Model):
    """One search term (a Chinese bigram or a word) of a work order's number, title and text.

    Chinese has no spaces and its words are mostly two characters, which trigram and
    LIKE searches handle badly at scale; an inverted index of bigrams answers a keyword
    with index lookups on SQLite and PostgreSQL alike (see itsm/search.py).
    """

    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "work_order"], name="work_order_term_unique")
        ]

    def __str__(self):
        return self.term
