# Django's zh_Hans formats leave the thousands separator empty; finance staff expect 1,234.56.
DATE_FORMAT = "Y年n月j日"
# Pages write dates and times with these two names (|date:"SHORT_DATE_FORMAT"), never a
# pattern of their own, so both languages show 2026-03-05 and 2026-03-05 14:30.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
