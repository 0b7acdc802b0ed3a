from django.urls import path

from comparisons import views

app_name = "comparisons"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:slug>/", views.comparison_detail, name="detail"),
    path("compare/<slug:slug>/vote/", views.vote, name="vote"),
]
