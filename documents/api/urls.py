from . import library_handins, views


def register(router):
    router.register("documents", views.ControlledDocumentViewSet, basename="document")
    router.register(
        "document-change-applications",
        views.DocumentChangeApplicationViewSet,
        basename="document-change-application",
    )
    router.register(
        "document-scrap-applications",
        views.DocumentScrapApplicationViewSet,
        basename="document-scrap-application",
    )
    router.register(
        "document-borrowings", views.DocumentBorrowingViewSet, basename="document-borrowing"
    )
    router.register("document-backups", views.DocumentBackupViewSet, basename="document-backup")
    router.register("driver-library", library_handins.LibraryEntryViewSet, basename="library-entry")
    router.register(
        "technical-handins", library_handins.TechnicalHandInViewSet, basename="technical-handin"
    )
