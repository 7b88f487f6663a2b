# Pages write dates and times with these two names (|date:"SHORT_DATE_FORMAT"), never a
# pattern of their own, so both languages show 2026-03-05 and 2026-03-05 14:30.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
