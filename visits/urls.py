from django.urls import path  # noqa: F401  (each section below adds its paths)

from visits.views import calendar, checkins, compliance, plans, records, schedule, spot_checks

app_name = "visits"

urlpatterns = [
    # Plans, records, itinerary changes, reviews and spot checks (visits/views/plans.py, records.py)
    path("plans/", plans.plan_list, name="plans"),
    path("plans/start/", plans.plan_start, name="plan_start"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/copy/", plans.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/review/", plans.plan_review, name="plan_review"),
    path("plans/<int:pk>/export/", plans.plan_export, name="plan_export"),
    path("plans/lines/<int:pk>/change/", records.itinerary_change, name="itinerary_change"),
    path("records/", records.record_list, name="records"),
    path("records/mine/", records.my_record, name="my_record"),
    path("records/submit/", records.record_submit, name="record_submit"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/review/", records.record_review, name="record_review"),
    path("records/<int:pk>/return/", records.record_return, name="record_return"),
    path("records/<int:pk>/export/", records.record_export, name="record_export"),
    path("new/", records.visit_new, name="visit_new"),
    path("<int:pk>/", records.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", records.visit_edit, name="visit_edit"),
    path("<int:pk>/withdraw/", records.visit_withdraw, name="visit_withdraw"),
    # Check-in and check-out, 签到 / 签退 (visits/views/checkins.py)
    path("checkin/", checkins.checkin_start, name="checkin"),
    path("<int:pk>/checkin/", checkins.checkin_visit, name="checkin_visit"),
    path("<int:pk>/checkout/", checkins.checkin_checkout, name="checkout"),
    path("<int:pk>/checkin/photo/", checkins.checkin_photo_upload, name="checkin_photo_upload"),
    path("<int:pk>/photo/", checkins.checkin_photo, name="checkin_photo"),
    path("<int:pk>/checkin/location/", checkins.account_location_set, name="account_location_set"),
    path("spot-checks/", spot_checks.spot_check_list, name="spot_checks"),
    path("spot-checks/start/", spot_checks.spot_checks_start, name="spot_checks_start"),
    path("spot-checks/<int:pk>/", spot_checks.spot_check_record, name="spot_check_record"),
    # Compliance dashboard (visits/views/compliance.py)
    path("compliance/", compliance.compliance_home, name="compliance"),
    path("compliance/team/<int:pk>/", compliance.compliance_team, name="compliance_team"),
    path("compliance/kam/<int:pk>/", compliance.compliance_kam, name="compliance_kam"),
    path("compliance/account/<int:pk>/", compliance.compliance_account, name="compliance_account"),
    path("rules/", compliance.frequency_rules, name="frequency_rules"),
    # Executive schedule and frequency rules (visits/views/schedule.py)
    path("schedule/", schedule.schedule_home, name="schedule"),
    path("schedule/<int:year>/", schedule.schedule_year, name="schedule_year"),
    path("schedule/<int:year>/propose/", schedule.schedule_propose, name="schedule_propose"),
    path("schedule/<int:year>/publish/", schedule.schedule_publish, name="schedule_publish"),
    path("schedule/<int:year>/add/", schedule.schedule_add, name="schedule_add"),
    path("schedule/items/<int:pk>/", schedule.schedule_item, name="schedule_item"),
    path(
        "schedule/items/<int:pk>/remove/",
        schedule.schedule_item_remove,
        name="schedule_item_remove",
    ),
    path("schedule/mine/", schedule.my_schedule, name="my_schedule"),
    # Calendars: the month / week page and the private iCalendar feed (visits/views/calendar.py)
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/subscription/", calendar.calendar_subscription, name="calendar_subscription"),
    path(
        "calendar/subscription/reset/",
        calendar.calendar_subscription_reset,
        name="calendar_subscription_reset",
    ),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
