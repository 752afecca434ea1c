"""Chinese input formats with ISO first.

Django's zh_Hans formats write a date into a form field as 2026/09/06 (their first input
format), which a browser's <input type="date"> rejects as empty: the Pareto period and
every other date field came back blank on the Chinese pages and could not be submitted
without retyping. The browser sends ISO, so ISO is written first; dates typed with slashes
are still read (admin, API, old links).
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S.%f",
]
