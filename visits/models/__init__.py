from visits.models.calendar import CalendarFeed
from visits.models.checkins import AccountLocation, CheckIn, LocationStatus
from visits.models.official_days import DayKind, OfficialDay
from visits.models.plans import (
    ItineraryChange,
    PlanLine,
    PlanTransition,
    VisitPlan,
)
from visits.models.records import RecordTransition, SpotCheck, Visit, VisitRecord
from visits.models.rules import FrequencyRule
from visits.models.schedule import ExecutiveSchedule, ScheduledVisit
from visits.models.tally import AccountTally, OwnerTally, TallyDirty, TallyState

__all__ = [
    "AccountLocation",
    "AccountTally",
    "CalendarFeed",
    "CheckIn",
    "DayKind",
    "ExecutiveSchedule",
    "FrequencyRule",
    "ItineraryChange",
    "LocationStatus",
    "OfficialDay",
    "OwnerTally",
    "PlanLine",
    "PlanTransition",
    "RecordTransition",
    "ScheduledVisit",
    "SpotCheck",
    "TallyDirty",
    "TallyState",
    "Visit",
    "VisitPlan",
    "VisitRecord",
]
