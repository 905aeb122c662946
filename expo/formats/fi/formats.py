# "E" is the month in the partitive, as Finnish writes it after a day: "1. joulukuuta".
DATE_FORMAT = "l j. E Y"  # tiistai 1. joulukuuta 2026
MONTH_DAY_FORMAT = "l j. E"  # perjantai 4. joulukuuta
TIME_FORMAT = "G.i"  # 19.30
DATETIME_FORMAT = r"l j. E Y \k\l\o G.i"  # tiistai 1. joulukuuta 2026 klo 19.30
DAY_MONTH_FORMAT = "j. E"  # 1. joulukuuta
DAY_MONTH_YEAR_FORMAT = "j. E Y"  # 1. joulukuuta 2026
DAY_NUMBER_FORMAT = "j."  # the 1. of "1.–7. joulukuuta 2026"
DAY_TIME_FORMAT = r"l j. E \k\l\o G.i"  # perjantai 4. joulukuuta klo 10.00
