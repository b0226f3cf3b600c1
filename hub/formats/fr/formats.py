# Le français du hub : « 7 décembre 2026 », « 7 déc. 2026 », « 18 h 30 » (espaces insécables).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l j F Y, G\u00a0\\h\u00a0i"
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N, G\u00a0\\h\u00a0i"
TIME_FORMAT = "G\u00a0\\h\u00a0i"
MONTH_DAY_FORMAT = "j N"
YEAR_MONTH_FORMAT = "F Y"
