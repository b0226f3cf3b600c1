# The hub's English: month names written out, 12-hour times ("December 7, 2026, 6:30 PM").
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "l, F j, Y, g:i A"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, g:i A"
TIME_FORMAT = "g:i A"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
