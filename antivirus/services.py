"""Every write of the antivirus process except imports (importing.py) and scans (checks.py).

Services take the acting user (keyword `actor`) and check it with the same refusal
functions the pages use; transitions go through the one pipeline in itsm.workflow.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import re
import xml.etree.ElementTree as ET  # noqa: N817
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.choices import Level3
from itsm import workflow
from itsm.services import transition_record
from servicedesk.choices import ApprovalBody, Role
from servicedesk.notifications import notify

from .checks import users_with_role, week_start
from .models import (
    DepartmentHead,
    Endpoint,
    Outbreak,
    ReinstallRequest,
    ScanHost,
    SegmentScan,
    WeeklyEvaluation,
)
from .permissions import reinstall_refusal, reinstall_side, work_refusal
from .textfile import CsvStream, FileRejected, norm

# --- Unprotected machines ---------------------------------------------------------------


def endpoint_open_install_order(*, actor, endpoint: Endpoint):
    """A work order to install antivirus on the endpoint's computer (one open at a time)."""
    from incidents.choices import OPEN_STATUSES
    from incidents.services import work_order_create

    workflow.require(work_refusal(actor))
    if endpoint.ci_id is None:
        raise ValidationError(_("Register the computer in the CMDB first."))
    with transaction.atomic():
        endpoint = (
            Endpoint.objects.select_for_update(of=("self",))
            .select_related("ci", "install_work_order")
            .get(pk=endpoint.pk)
        )
        current = endpoint.install_work_order
        if current is not None and current.status in OPEN_STATUSES:
            return current
        order = work_order_create(
            actor=actor,
            requester=actor,
            title=_("Install antivirus on %(host)s") % {"host": endpoint.host_name},
            description=_("The weekly coverage check found %(tag)s (%(ip)s) without antivirus.")
            % {"tag": endpoint.ci.asset_tag, "ip": endpoint.ci.ip_address or "-"},
            device=endpoint.ci,
            impact=Level3.LOW,
            urgency=Level3.MEDIUM,
        )
        endpoint.install_work_order = order
        endpoint.save(update_fields=["install_work_order", "updated_at"])
    return order


def endpoint_notify_user(*, actor, endpoint: Endpoint) -> int:
    """Tell the computer's responsible user to have antivirus installed."""
    workflow.require(work_refusal(actor))
    if endpoint.ci_id is None or endpoint.ci.responsible_id is None:
        raise ValidationError(_("This computer has no responsible user in the CMDB."))
    rows = notify(
        recipients=[endpoint.ci.responsible],
        subject=_("Your computer %(host)s has no antivirus") % {"host": endpoint.host_name},
        body=_("Please let the engineers install it, or call the service desk."),
        url=reverse("antivirus:endpoint_detail", args=[endpoint.pk]),
    )
    return len(rows)


# --- Scans ------------------------------------------------------------------------------


def scan_import(*, actor, uploaded, scanned_at: datetime | None = None) -> SegmentScan:
    """Hosts that answered a ping scan: `nmap -sn -oX` XML or a CSV with an IP column.
    The same file twice adds nothing (its hash is unique)."""
    workflow.require(work_refusal(actor))
    data = uploaded.read()
    digest = hashlib.sha256(data).hexdigest()
    existing = SegmentScan.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    if data.lstrip().startswith(b"<"):
        hosts, found_at = _nmap_hosts(data)
        source = "nmap"
    else:
        hosts, found_at = _csv_hosts(data), None
        source = "csv"
    if not hosts:
        raise ValidationError(_("The file lists no host that was up."))
    with transaction.atomic():
        scan = SegmentScan.objects.create(
            source=source,
            file_name=uploaded.name[:255],
            sha256=digest,
            scanned_at=scanned_at or found_at or timezone.now(),
            host_count=len(hosts),
            created_by=actor,
        )
        ScanHost.objects.bulk_create(
            [
                ScanHost(scan=scan, ip=ip, host_name=name[:100], mac=mac[:20])
                for ip, (name, mac) in hosts.items()
            ],
            batch_size=1000,
        )
    return scan


def _nmap_hosts(data: bytes):
    # nmap writes `<!DOCTYPE nmaprun>` with no internal subset: refusing any entity
    # declaration keeps entity expansion out (defusedxml is not a dependency).
    if b"<!ENTITY" in data.upper() or re.search(rb"<!DOCTYPE[^>]*\[", data):
        raise ValidationError(_("This XML file is not an nmap scan."))
    try:
        root = ET.fromstring(data)  # noqa: S314 (entities refused above)
    except ET.ParseError as exc:
        raise ValidationError(_("The XML file cannot be read: %(error)s") % {"error": exc}) from exc
    if root.tag != "nmaprun":
        raise ValidationError(_("This XML file is not an nmap scan."))
    hosts = {}
    for host in root.iter("host"):
        status = host.find("status")
        if status is not None and status.get("state") != "up":
            continue
        ip, mac = "", ""
        for address in host.findall("address"):
            if address.get("addrtype") in ("ipv4", "ipv6"):
                ip = address.get("addr", "")
            elif address.get("addrtype") == "mac":
                mac = address.get("addr", "")
        name_node = host.find("hostnames/hostname")
        name = name_node.get("name", "") if name_node is not None else ""
        if ip:
            hosts[ip] = (name, mac)
    started = root.get("start")
    found_at = (
        datetime.fromtimestamp(int(started), tz=timezone.get_current_timezone())
        if started and started.isdigit()
        else None
    )
    return hosts, found_at


def _csv_hosts(data: bytes) -> dict:
    try:
        stream = CsvStream(io.BytesIO(data))
    except FileRejected as exc:
        raise ValidationError(_("The scan file is neither nmap XML nor a CSV text file.")) from exc
    headers = [norm(h) for h in stream.headers]
    ip_col = next(
        (i for i, h in enumerate(headers) if h in ("ip", "ip地址", "ipaddress", "address", "地址")),
        None,
    )
    if ip_col is None:
        raise ValidationError(_("The CSV has no IP column (IP, IP地址)."))
    name_col = next(
        (
            i
            for i, h in enumerate(headers)
            if h in ("hostname", "host", "主机名", "计算机名", "name")
        ),
        None,
    )
    mac_col = next(
        (i for i, h in enumerate(headers) if h in ("mac", "mac地址", "macaddress")), None
    )
    hosts, bad = {}, []
    try:
        for line, cells in stream.rows():
            text = cells[ip_col].strip() if ip_col < len(cells) else ""
            try:
                ip = str(ipaddress.ip_address(text))
            except ValueError:
                bad.append(
                    _("Line %(line)s: %(value)s is not an IP address.")
                    % {"line": line, "value": text}
                )
                continue
            name = cells[name_col].strip() if name_col is not None and name_col < len(cells) else ""
            mac = cells[mac_col].strip() if mac_col is not None and mac_col < len(cells) else ""
            hosts[ip] = (name, mac)
    except (FileRejected, csv.Error) as exc:
        raise ValidationError(_("The CSV file is malformed.")) from exc
    if bad:
        raise ValidationError(bad[:50])
    return hosts


# --- Weekly evaluation -------------------------------------------------------------------


def evaluation_prepare(*, week_of) -> tuple[WeeklyEvaluation, bool]:
    """The evaluation row of a week (idempotent); engineers are told once when it appears."""
    monday = week_start(week_of)
    evaluation, created = WeeklyEvaluation.objects.get_or_create(week_start=monday)
    if created:
        notify(
            recipients=users_with_role(Role.ENGINEER),
            subject=_("Evaluate the virus events of the week of %(week)s")
            % {"week": monday.isoformat()},
            url=evaluation.get_absolute_url(),
        )
    return evaluation, created


def evaluation_save(
    *, actor, evaluation: WeeklyEvaluation, causes: str, recommendations: str, lock_version
) -> WeeklyEvaluation:
    workflow.require(work_refusal(actor))
    with transaction.atomic():
        evaluation = workflow.lock(
            evaluation,
            expected=lock_version,
            conflict=_("This evaluation was changed by someone else. Reload it and try again."),
        )
        if evaluation.sent_at:
            raise workflow.IllegalTransition(
                _("This evaluation was sent already; it can no longer change.")
            )
        evaluation.causes, evaluation.recommendations = causes.strip(), recommendations.strip()
        workflow.save(evaluation)
    return evaluation


def evaluation_send(*, actor, evaluation: WeeklyEvaluation, lock_version=None) -> list:
    """Send the evaluation to the heads of the worst-hit departments, once: the first call
    claims it (sent_at), every later one is refused. Returns the departments sent to."""
    from .selectors import week_figures

    workflow.require(work_refusal(actor))
    with transaction.atomic():
        evaluation = workflow.lock(
            evaluation,
            expected=lock_version,
            conflict=_("This evaluation was changed by someone else. Reload it and try again."),
        )
        if evaluation.sent_at:
            raise workflow.IllegalTransition(_("This evaluation was sent already."))
        if not evaluation.causes.strip():
            raise ValidationError(_("Write the infection causes first."))
        figures = week_figures(week_of=evaluation.week_start)
        departments = [row for row in figures["top_departments"] if row["department_id"]]
        heads = {
            h.department_id: h.head
            for h in DepartmentHead.objects.select_related("head").filter(
                department_id__in=[row["department_id"] for row in departments]
            )
        }
        evaluation.sent_at, evaluation.sent_by = timezone.now(), actor
        evaluation.figures = {
            k: v
            for k, v in figures.items()
            if k in ("total", "by_department", "by_threat", "by_result", "top_departments")
        }
        workflow.save(evaluation)
        evaluation.sent_to.set([row["department_id"] for row in departments])
        for row in departments:
            head = heads.get(row["department_id"])
            if head is None:
                continue
            notify(
                recipients=[head],
                subject=_("Virus events of the week of %(week)s: %(department)s had %(count)s")
                % {
                    "week": evaluation.week_start.isoformat(),
                    "department": row["department"],
                    "count": row["count"],
                },
                body=_("Causes: %(causes)s\nRecommendations: %(recommendations)s")
                % {"causes": evaluation.causes, "recommendations": evaluation.recommendations},
                url=evaluation.get_absolute_url(),
            )
        transition_record(
            subject=evaluation, transition="send", source="draft", target="sent", actor=actor
        )
    return departments


# --- Outbreak -----------------------------------------------------------------------------


def outbreak_open_work_order(*, actor, outbreak: Outbreak):
    """A major work order for the outbreak (until the emergency process exists); once."""
    from incidents.services import work_order_create

    if not permits_supervisor(actor):
        raise PermissionDenied(_("Only supervisors open a major work order for an outbreak."))
    with transaction.atomic():
        outbreak = Outbreak.objects.select_for_update().get(pk=outbreak.pk)
        if outbreak.work_order_id:
            return outbreak.work_order
        order = work_order_create(
            actor=actor,
            requester=actor,
            title=_("Virus outbreak: %(threat)s on %(count)s hosts")
            % {"threat": outbreak.threat, "count": outbreak.host_count},
            description=_("Detected between %(first)s and %(last)s.")
            % {
                "first": timezone.localtime(outbreak.first_seen).strftime("%Y-%m-%d %H:%M"),
                "last": timezone.localtime(outbreak.last_seen).strftime("%Y-%m-%d %H:%M"),
            },
            impact=Level3.HIGH,
            urgency=Level3.HIGH,
        )
        outbreak.work_order = order
        outbreak.save(update_fields=["work_order"])
    return order


def permits_supervisor(user) -> bool:
    from servicedesk.roles import user_has_role

    return user_has_role(user, Role.SUPERVISOR, Role.ADMIN)


# --- Reinstall confirmation ---------------------------------------------------------------


def _conflict():
    return _("This reinstall request was changed by someone else. Reload it and try again.")


def _refused():
    return _("A reinstall request that is “%(status)s” cannot do this.")


def _centre_people():
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(
            is_active=True,
            groups__name=Role.APPROVER,
            person__approval_body=ApprovalBody.INFORMATION_CENTRE,
        )
    )


def reinstall_request(*, actor, work_order, reason: str) -> ReinstallRequest:
    """Ask the computer's user and the information centre to confirm a reinstall."""
    workflow.require(work_refusal(actor))
    if not reason.strip():
        raise ValidationError(_("Say why the infection cannot be cleaned."))
    ci = work_order.device
    user = (
        ci.responsible if ci is not None and ci.responsible_id else None
    ) or work_order.requester
    with transaction.atomic():
        request = ReinstallRequest.objects.create(
            work_order=work_order, ci=ci, reason=reason.strip(), user=user, requested_by=actor
        )
        transition_record(
            subject=request, transition="request", source="", target=request.status, actor=actor
        )
        notify(
            recipients=[user, *_centre_people()],
            subject=_("Please confirm a system reinstall (work order %(number)s)")
            % {"number": work_order.number},
            body=request.reason,
            url=request.get_absolute_url(),
        )
    return request


def reinstall_confirm(*, actor, request: ReinstallRequest, lock_version) -> ReinstallRequest:
    with transaction.atomic():
        request = workflow.lock(request, expected=lock_version, conflict=_conflict())
        workflow.require(reinstall_refusal(actor, request, "confirm"))
        side = reinstall_side(actor, request)
        if side == "user":
            method = (
                request.confirm_by_user
                if request.status == "requested"
                else request.confirm_by_user_last
            )
        else:
            method = (
                request.confirm_by_centre
                if request.status == "requested"
                else request.confirm_by_centre_last
            )
        workflow.transition(
            request,
            actor=actor,
            name=f"confirm_{side}",
            method=method,
            refused=_refused(),
            by=actor,
        )
        if request.status == "approved":
            workflow.after_commit(
                notify,
                recipients=[request.requested_by],
                subject=_("Reinstall confirmed (work order %(number)s)")
                % {"number": request.work_order.number},
                url=request.get_absolute_url(),
            )
    return request


def reinstall_refuse(
    *, actor, request: ReinstallRequest, note: str, lock_version
) -> ReinstallRequest:
    if not note.strip():
        raise ValidationError(_("Say why the reinstall is refused."))
    with transaction.atomic():
        request = workflow.lock(request, expected=lock_version, conflict=_conflict())
        workflow.require(reinstall_refusal(actor, request, "refuse"))
        workflow.transition(
            request,
            actor=actor,
            name="refuse",
            method=request.refuse,
            refused=_refused(),
            note=note.strip(),
            reason=note.strip(),
        )
    return request


def reinstall_complete(
    *, actor, request: ReinstallRequest, outcome: str, lock_version
) -> ReinstallRequest:
    if not outcome.strip():
        raise ValidationError(_("Record the outcome of the reinstall."))
    with transaction.atomic():
        request = workflow.lock(request, expected=lock_version, conflict=_conflict())
        workflow.require(reinstall_refusal(actor, request, "complete"))
        workflow.transition(
            request,
            actor=actor,
            name="complete",
            method=request.complete,
            refused=_refused(),
            outcome=outcome.strip(),
        )
    return request
