from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kam import views
from kam.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    # Receivables and complaints keep the paths they had under accounts/.
    path("accounts/", include("receivables.urls")),
    path("accounts/", include("complaints.urls")),
    path("visits/", include("visits.urls")),
    path("analysis/", include("analysis.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("admin/", admin.site.urls),
]

# 403 and 404 are Django's handlers with templates/403.html and 404.html.
handler500 = "kam.errors.server_error"
