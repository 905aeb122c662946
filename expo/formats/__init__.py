"""How dates and times are written in each of the site's languages (``FORMAT_MODULE_PATH``).

Django's own locale formats fill in everything not set here. Pages, badges and e-mails
use the names below, through ``|date:"DATE_FORMAT"`` in templates and ``expo.dates`` in
Python, so a day reads the same wherever it is shown:

- ``DATE_FORMAT``: a day in full, "Tuesday 1 December 2026";
- ``MONTH_DAY_FORMAT``: a day of the expo, where the year goes without saying, "Friday 4
  December";
- ``TIME_FORMAT`` and ``DATETIME_FORMAT``: a moment on the 24-hour clock;
- ``DAY_TIME_FORMAT``: a moment during the expo, "Friday 4 December, 10:00";
- ``DAY_MONTH_FORMAT``, ``DAY_MONTH_YEAR_FORMAT`` and ``DAY_NUMBER_FORMAT`` build runs of
  days, "1–7 December 2026".

The last four are not Django's names: only ``expo.dates`` (and its template filters)
reads them.

Finnish writes the month in the partitive after a day ("1. joulukuuta"): Django's ``E``
gives that form, where ``F`` gives the month's own name ("joulukuu").
"""
