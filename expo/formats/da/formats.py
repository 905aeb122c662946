DATE_FORMAT = "l j. F Y"  # tirsdag 1. december 2026
MONTH_DAY_FORMAT = "l j. F"  # fredag 4. december
TIME_FORMAT = "H:i"  # 19:30
DATETIME_FORMAT = r"l j. F Y \k\l. H:i"  # tirsdag 1. december 2026 kl. 19:30
DAY_MONTH_FORMAT = "j. F"  # 1. december
DAY_MONTH_YEAR_FORMAT = "j. F Y"  # 1. december 2026
DAY_NUMBER_FORMAT = "j."  # the 1. of "1.–7. december 2026"
DAY_TIME_FORMAT = r"l j. F \k\l. H:i"  # fredag 4. december kl. 10:00
