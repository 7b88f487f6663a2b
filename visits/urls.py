from django.urls import path  # noqa: F401  (each section below adds its paths)

app_name = "visits"

urlpatterns = [
    # Plans, records, itinerary changes, reviews and spot checks (visits/views/plans.py, records.py)
    # Compliance dashboard (visits/views/compliance.py)
    # Executive schedule and frequency rules (visits/views/schedule.py)
]
