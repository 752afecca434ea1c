from . import documents, views


def register(router):
    router.register("knowledge-records", views.KnowledgeRecordViewSet, basename="knowledge-record")
    router.register("documents", documents.ControlledDocumentViewSet, basename="document")
    router.register(
        "document-change-applications",
        documents.DocumentChangeApplicationViewSet,
        basename="document-change-application",
    )
    router.register(
        "document-scrap-applications",
        documents.DocumentScrapApplicationViewSet,
        basename="document-scrap-application",
    )
    router.register(
        "document-borrowings", documents.DocumentBorrowingViewSet, basename="document-borrowing"
    )
    router.register("document-backups", documents.DocumentBackupViewSet, basename="document-backup")
