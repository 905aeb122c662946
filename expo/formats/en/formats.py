# The site writes English dates day first ("Tuesday 1 December 2026"), as in Europe,
# where its expos are; Django's English month-and-day is "December 1". Every other
# format stays Django's.
MONTH_DAY_FORMAT = "j F"
