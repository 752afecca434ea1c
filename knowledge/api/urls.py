from . import views


def register(router):
    router.register("knowledge-records", views.KnowledgeRecordViewSet, basename="knowledge-record")
