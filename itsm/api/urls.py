"""One router for the whole API; each app registers its viewsets in `<app>/api/urls.py`."""

from rest_framework.routers import DefaultRouter

from itsm.discovery import app_modules

from .approvals import ApprovalViewSet

router = DefaultRouter()
router.register("approvals", ApprovalViewSet, basename="approval")

for module in app_modules("api.urls", exclude=("itsm",)):
    module.register(router)
