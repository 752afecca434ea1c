from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("surveys/", views.round_list, name="round_list"),
    path("surveys/new/", views.round_create, name="round_create"),
    path("surveys/mine/", views.my_surveys, name="my_surveys"),
    path("surveys/answer/<int:pk>/", views.answer, name="answer"),
    path("surveys/<int:pk>/", views.round_detail, name="round_detail"),
    path("surveys/<int:pk>/results.csv", views.round_csv, name="round_csv"),
    path("surveys/<int:pk>/<slug:action>/", views.round_act, name="round_act"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
