from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.reviewer_list, name="list"),
    path("<slug:slug>/", views.reviewer_detail, name="detail"),
]
