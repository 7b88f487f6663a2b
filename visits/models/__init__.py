from visits.models.plans import (
    ItineraryChange,
    PlanLine,
    PlanTransition,
    VisitPlan,
)
from visits.models.records import SpotCheck, Visit, VisitRecord
from visits.models.rules import FrequencyRule
from visits.models.schedule import ExecutiveSchedule, ScheduledVisit

__all__ = [
    "ExecutiveSchedule",
    "FrequencyRule",
    "ItineraryChange",
    "PlanLine",
    "PlanTransition",
    "ScheduledVisit",
    "SpotCheck",
    "Visit",
    "VisitPlan",
    "VisitRecord",
]
