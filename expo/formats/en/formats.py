DATE_FORMAT = "l j F Y"  # Tuesday 1 December 2026
MONTH_DAY_FORMAT = "l j F"  # Friday 4 December
TIME_FORMAT = "H:i"  # 19:30
DATETIME_FORMAT = "l j F Y, H:i"  # Tuesday 1 December 2026, 19:30
DAY_MONTH_FORMAT = "j F"  # 1 December
DAY_MONTH_YEAR_FORMAT = "j F Y"  # 1 December 2026
DAY_NUMBER_FORMAT = "j"  # the 1 of "1–7 December 2026"
DAY_TIME_FORMAT = "l j F, H:i"  # Friday 4 December, 10:00
