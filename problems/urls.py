from django.urls import path

from . import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_create, name="create"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("known-errors/", views.known_errors, name="known_errors"),
    path("pareto/", views.pareto, name="pareto"),
    path("<str:number>/", views.problem_detail, name="detail"),
    path("<str:number>/link/", views.problem_link, name="link"),
    path("<str:number>/link-suggestion/", views.suggestion_link, name="link_suggestion"),
    path("<str:number>/fishbone/", views.fishbone_add, name="fishbone_add"),
    path("<str:number>/fishbone/<int:pk>/delete/", views.fishbone_remove, name="fishbone_remove"),
    path("<str:number>/<slug:action>/", views.problem_act, name="act"),
]
