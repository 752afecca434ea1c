"""The offline round: the day's devices and checklists for the phone to cache, and the sync
endpoint its queue posts to once the phone is back on the internal network.

A queued record carries the id the phone gave it (`client_id`), so a resend after a lost
answer finds the first save instead of adding a second; anything refused comes back with
its reason and stays on the phone, shown as a conflict, never dropped.
"""

import json
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cmdb.models import ConfigurationItem

from . import selectors, services
from .permissions import plan_refusal
from .views import _round


@login_required
@require_GET
def offline_page(request, pk):
    round = _round(request, pk)
    return render(
        request,
        "inspections/round_offline.html",
        {"round": round, "refusal": plan_refusal(request.user, round.plan, "inspect")},
    )


@login_required
@require_GET
def offline_data(request, pk):
    round = _round(request, pk)
    entries = selectors.round_devices(round=round)
    return JsonResponse(
        {
            "round": round.pk,
            "title": str(round),
            "checklists": {
                str(k): v for k, v in selectors.round_checklists(entries=entries).items()
            },
            "devices": [
                {
                    "id": e.ci_id,
                    "tag": e.ci.asset_tag,
                    "name": e.ci.name,
                    "room": e.ci.location.room if e.ci.location_id else "",
                    "class": str(e.ci.ci_class_id),
                    "done": bool(e.record),
                }
                for e in entries
            ],
        }
    )


@login_required
@require_POST
def offline_sync(request, pk):
    round = _round(request, pk)
    try:
        payload = json.loads(request.body.decode("utf-8"))
        ci = ConfigurationItem.objects.select_related("ci_class").get(pk=int(payload["device"]))
        lines = [
            services.LineInput(
                item_id=int(r["item"]), result=str(r["result"]), note=str(r.get("note", ""))[:500]
            )
            for r in payload["results"]
        ]
        client_id = str(payload["client_id"])[:64]
    except (ValueError, KeyError, TypeError, ConfigurationItem.DoesNotExist):
        return JsonResponse(
            {"status": "error", "message": _("The record could not be read.")}, status=400
        )
    at = (
        parse_datetime(str(payload.get("inspected_at", "")))
        if payload.get("inspected_at")
        else None
    )
    try:
        record = services.record_save(
            round=round,
            ci=ci,
            actor=request.user,
            lines=lines,
            note=str(payload.get("note", ""))[:2000],
            add_to_plan=bool(payload.get("add_to_plan")),
            client_id=client_id,
            inspected_at=at,
        )
    except services.DuplicateRecord as exc:
        return JsonResponse(
            {
                "status": "conflict",
                "message": exc.messages[0],
                "url": exc.record.get_absolute_url(),
            },
            status=409,
        )
    except services.NotInPlan as exc:
        return JsonResponse({"status": "not_in_plan", "message": exc.messages[0]}, status=409)
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        return JsonResponse({"status": "refused", "message": message}, status=409)
    return JsonResponse(
        {"status": "saved", "number": record.number, "url": record.get_absolute_url()}
    )


@require_GET
def service_worker(request):
    """The service worker, served from /inspections/ so it may cache the round pages."""
    from django.contrib.staticfiles import finders

    path = Path(finders.find("inspections/sw.js"))
    response = HttpResponse(path.read_text(encoding="utf-8"), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/inspections/"
    return response
