from django.urls import path

from appraisal.views import exports, pages, settings_pages

app_name = "appraisal"

urlpatterns = [
    # Overview, detail, adjustments, finalisation (appraisal/views/pages.py)
    path("", pages.period_list, name="periods"),
    path("how/", pages.explanation, name="explanation"),
    path("<int:pk>/", pages.overview, name="overview"),
    path("<int:pk>/rollup/", pages.rollup_now, name="rollup"),
    path("<int:pk>/finalise/", pages.finalise, name="finalise"),
    path("<int:pk>/kam/<int:kam_id>/", pages.detail, name="detail"),
    path("scores/<int:pk>/adjust/", pages.adjust, name="adjust"),
    # Targets and schemes (appraisal/views/settings_pages.py)
    path("<int:pk>/targets/", settings_pages.targets, name="targets"),
    path("<int:pk>/targets/import/", settings_pages.targets_import, name="targets_import"),
    path("schemes/", settings_pages.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", settings_pages.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/copy/", settings_pages.scheme_copy, name="scheme_copy"),
    # The Excel appraisal sheet, made by a Celery task (appraisal/views/exports.py)
    path("<int:pk>/export/", exports.export_start, name="export"),
]
