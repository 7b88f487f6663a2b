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
    "AccountTally",
    "ExecutiveSchedule",
    "FrequencyRule",
    "ItineraryChange",
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
