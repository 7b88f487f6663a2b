from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """§12: why a visit is made; a visit has one or more."""

    MARKET_RESEARCH = "market_research", _("Market research")
    COMPETITORS = "competitors", _("Competitor intelligence")
    RELATIONSHIP = "relationship", _("Relationship upkeep")
    NEW_CUSTOMER = "new_customer", _("New customer development")
    NEW_PRODUCT = "new_product", _("New product promotion")
    SHARE = "share", _("Share of wallet")


class Period(models.TextChoices):
    MONTH = "month", _("every month")
    TWO_MONTHS = "two_months", _("every two months")
    QUARTER = "quarter", _("every quarter")
    HALF_YEAR = "half_year", _("every half-year")
    YEAR = "year", _("every year")
    YEAR_END = "year_end", _("at year end")
    FESTIVALS = "festivals", _("at Mid-Autumn and Spring Festival")


class RuleKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    YEAR_END_CARD = "year_end_card", _("Calendar and greeting card")
    FESTIVAL = "festival", _("Festival communication with the key decision maker")


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    YEAR_END_CARD = "year_end_card", _("Calendar and card delivered or mailed")
    FESTIVAL = "festival", _("Festival communication")
