"""Console imports: upload → (mapping) → dry run → apply, all valid rows or nothing.

Guarantees:
- streaming: the stored file is read row by row twice (check, then write), never whole;
- all-or-nothing: the write pass runs only when the check pass found no error, inside
  one transaction;
- idempotent: a file whose hash was applied before adds nothing (and a partial unique
  constraint keeps two concurrent applies from both succeeding); events carry a
  fingerprint, so overlapping exports add each detection once;
- hosts the CMDB does not know are listed on the import and kept (ci empty), never dropped.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.models import ConfigurationItem

from .choices import COMPUTER_CLASSES, ImportKind, ImportStatus
from .import_fields import FIELDS, parse_datetime, parse_result
from .models import ConsoleImport, Endpoint, EndpointSnapshot, MappingProfile, VirusEvent
from .models.access import works_antivirus
from .textfile import CsvStream, FileRejected, norm

BATCH = 2000
MAX_ERRORS = 500
MAX_UNKNOWN = 1000
PROGRESS_EVERY = 5000


# --- Matching to the CMDB -------------------------------------------------------------


class ComputerIndex:
    """Computers of the CMDB by upper-case host name (or asset tag) and by IP: one query."""

    def __init__(self):
        self.by_host: dict[str, int] = {}
        self.by_ip: dict[str, int] = {}
        shared_ips = set()
        rows = ConfigurationItem.objects.filter(ci_class__code__in=COMPUTER_CLASSES).values_list(
            "pk", "asset_tag", "attributes", "ip_address"
        )
        for pk, tag, attributes, ip in rows:
            hostname = (attributes or {}).get("hostname")
            if hostname:
                self.by_host.setdefault(str(hostname).strip().upper(), pk)
            self.by_host.setdefault(tag.upper(), pk)
            if ip:
                if ip in self.by_ip:
                    shared_ips.add(ip)
                self.by_ip[ip] = pk
        for ip in shared_ips:  # an address two items share identifies neither
            self.by_ip.pop(ip, None)

    def match(self, host: str, ip: str | None) -> int | None:
        found = self.by_host.get(host.upper())
        if found is None and ip:
            found = self.by_ip.get(ip)
        return found


# --- Upload ---------------------------------------------------------------------------


def _refuse_unless_worker(actor) -> None:
    if not works_antivirus(actor):
        raise PermissionDenied(_("Only engineers and supervisors import console exports."))


def _hash(uploaded) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in uploaded.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return digest.hexdigest(), size


def profile_fits(profile: MappingProfile, headers: list[str]) -> bool:
    present = {norm(h) for h in headers}
    required = [f.key for f in FIELDS[profile.kind] if f.required]
    columns = profile.columns or {}
    return all(columns.get(key) and norm(columns[key]) in present for key in required)


def profile_for(kind: str, headers: list[str]) -> MappingProfile | None:
    for profile in MappingProfile.objects.filter(kind=kind, is_active=True).order_by("pk"):
        if profile_fits(profile, headers):
            return profile
    return None


def import_upload(
    *, actor, kind: str, uploaded, profile: MappingProfile | None = None
) -> ConsoleImport:
    """Store the file and read its header. Same file applied before → DUPLICATE (adds
    nothing); a layout no profile fits → NEEDS_MAPPING; else the dry run is queued."""
    _refuse_unless_worker(actor)
    if kind not in ImportKind.values:
        raise ValueError(kind)
    sha256, size = _hash(uploaded)
    record = ConsoleImport(
        kind=kind, file_name=uploaded.name[:255], sha256=sha256, size=size, created_by=actor
    )
    if not size:
        record.status, record.message = ImportStatus.INVALID, _("The file is empty.")
        record.file.save(uploaded.name, ContentFile(b""), save=False)
        record.save()
        return record
    if ConsoleImport.objects.filter(kind=kind, sha256=sha256, status=ImportStatus.DONE).exists():
        record.status = ImportStatus.DUPLICATE
        record.message = _("This file was imported before; importing it again adds nothing.")
        record.file.name = ""
        record.save()
        return record
    record.file.save(uploaded.name, uploaded, save=False)
    try:
        with record.file.open("rb") as handle:
            stream = CsvStream(handle)
            record.headers, record.encoding = stream.headers[:100], stream.encoding
    except FileRejected as exc:
        record.status, record.message = ImportStatus.INVALID, _rejection(exc)
        record.save()
        return record
    record.profile = profile if profile and profile_fits(profile, record.headers) else None
    record.profile = record.profile or profile_for(kind, record.headers)
    record.status = ImportStatus.QUEUED if record.profile else ImportStatus.NEEDS_MAPPING
    record.save()
    if record.profile:
        _queue(record, apply=False)
    return record


def _rejection(exc: FileRejected) -> str:
    reason = str(exc)
    if reason == "encoding":
        return _("The file is neither UTF-8 nor GBK text; export it again as CSV.")
    if reason == "binary":
        return _("This is not a CSV text file.")
    if reason == "empty":
        return _("The file has no rows.")
    if reason.startswith("csv:"):
        _prefix, line, error = reason.split(":", 2)
        return _("Line %(line)s: the CSV is malformed (%(error)s).") % {
            "line": line,
            "error": error,
        }
    return reason


def _queue(record: ConsoleImport, *, apply: bool) -> None:
    from itsm.workflow import after_commit

    from .tasks import run_import

    after_commit(run_import.delay, record.pk, apply)


def import_map(
    *, actor, record: ConsoleImport, name: str, product: str, columns: dict
) -> MappingProfile:
    """Save the user's column mapping as a new profile and queue the dry run with it."""
    _refuse_unless_worker(actor)
    present = {norm(h): h for h in record.headers}
    wanted = {f.key: f for f in FIELDS[record.kind]}
    clean = {k: v for k, v in columns.items() if k in wanted and v and norm(v) in present}
    missing = [str(f.label) for f in wanted.values() if f.required and f.key not in clean]
    if missing:
        raise ValueError(_("Choose a column for: %(fields)s.") % {"fields": "、".join(missing)})
    if not name.strip() or not product.strip():
        raise ValueError(_("Give the profile a name and the product."))
    if MappingProfile.objects.filter(name=name.strip()).exists():
        raise ValueError(_("A profile with this name exists already."))
    with transaction.atomic():
        profile = MappingProfile.objects.create(
            name=name.strip()[:100], kind=record.kind, product=product.strip()[:100], columns=clean
        )
        ConsoleImport.objects.filter(pk=record.pk).update(
            profile=profile, status=ImportStatus.QUEUED
        )
        _queue(record, apply=False)
    return profile


def import_request_apply(*, actor, record: ConsoleImport) -> bool:
    """Queue the write of a checked import (claimed by a conditional UPDATE: once)."""
    _refuse_unless_worker(actor)
    claimed = ConsoleImport.objects.filter(pk=record.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.QUEUED, applying=True, progress=0
    )
    if claimed:
        _queue(record, apply=True)
    return bool(claimed)


# --- Check and apply ------------------------------------------------------------------


class _Report:
    def __init__(self):
        self.errors: list[dict] = []
        self.invalid = 0
        self.rows = 0
        self.unknown: dict[str, str] = {}

    def error(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "column": column, "message": message})

    def unknown_host(self, host: str, ip: str | None) -> None:
        key = host.upper()
        if key not in self.unknown and len(self.unknown) < MAX_UNKNOWN:
            self.unknown[key] = f"{host} ({ip})" if ip else host


class _Parser:
    """Turns one row's cells into a dict of clean values, or records why not."""

    def __init__(self, record: ConsoleImport, headers: list[str], report: _Report):
        self.kind = record.kind
        self.product = record.profile.product
        self.report = report
        index = {norm(h): i for i, h in enumerate(headers)}
        columns = record.profile.columns or {}
        self.columns = {
            key: (index[norm(header)], header)
            for key, header in columns.items()
            if header and norm(header) in index
        }
        self.required = {f.key for f in FIELDS[self.kind] if f.required}

    def cell(self, cells, key) -> str:
        spot = self.columns.get(key)
        if spot is None or spot[0] >= len(cells):
            return ""
        return cells[spot[0]].strip()

    def header(self, key) -> str:
        spot = self.columns.get(key)
        return spot[1] if spot else key

    def parse(self, line: int, cells: list[str]) -> dict | None:
        values, ok = {}, True
        for key in self.required:
            if not self.cell(cells, key):
                self.report.error(line, self.header(key), _("This cell is empty."))
                ok = False
        if not ok:
            return None
        for key in self.columns:
            text = self.cell(cells, key)
            if not text:
                continue
            try:
                values[key] = self.convert(key, text)
            except ValueError:
                self.report.error(line, self.header(key), self.reason(key, text))
                ok = False
        if not ok:
            return None
        values.setdefault("product", self.product)
        return values

    def convert(self, key, text):
        if key == "ip":
            return str(ipaddress.ip_address(text))
        if key in ("detected_at", "last_seen"):
            return parse_datetime(text)
        if key == "signature_date":
            return parse_datetime(text).date()
        limits = {"host": 100, "user": 100, "threat": 200, "file_path": 500, "action": 100,
                  "result": 100, "product": 100, "console": 100}  # fmt: skip
        return text[: limits.get(key, 50)]

    def reason(self, key, text) -> str:
        if key == "ip":
            return _("%(value)s is not an IP address.") % {"value": text}
        return _("%(value)s is not a date and time (use 2026-03-31 14:05:00).") % {"value": text}


def _progress(record, stream, *, start: int, span: int) -> None:
    done = stream.bytes_read * span // max(record.size, 1)
    ConsoleImport.objects.filter(pk=record.pk).update(progress=min(start + done, 99))


def _check(record: ConsoleImport, *, span: int, index: ComputerIndex) -> _Report:
    report = _Report()
    with record.file.open("rb") as handle:
        stream = CsvStream(handle, encoding=record.encoding)
        parser = _Parser(record, stream.headers, report)
        for line, cells in stream.rows():
            report.rows += 1
            values = parser.parse(line, cells)
            if values is None:
                report.invalid += 1
            elif index.match(values["host"], values.get("ip")) is None:
                report.unknown_host(values["host"], values.get("ip"))
            if report.rows % PROGRESS_EVERY == 0:
                _progress(record, stream, start=0, span=span)
    return report


def import_run(*, record_pk: int, apply: bool) -> ConsoleImport:
    """The dry run (apply=False) or the write (apply=True) of one import. Safe to rerun:
    a run claims the import with a conditional UPDATE, so a second worker does nothing."""
    claimed = ConsoleImport.objects.filter(pk=record_pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, progress=0
    )
    record = ConsoleImport.objects.select_related("profile").get(pk=record_pk)
    if not claimed:
        return record
    index = ComputerIndex()
    if apply:
        # The stored file is the one the dry run passed (its hash names it); the write
        # pass parses every row again and refuses the whole file on any bad one.
        fields = {}
        rows = record.rows_total
    else:
        try:
            report = _check(record, span=100, index=index)
        except FileRejected as exc:
            _finish(record, ImportStatus.INVALID, message=_rejection(exc))
            return record
        fields = {
            "rows_total": report.rows,
            "rows_invalid": report.invalid,
            "errors": report.errors,
            "unknown_hosts": sorted(report.unknown.values()),
            "unknown_count": len(report.unknown),
        }
        if report.invalid or not report.rows:
            message = (
                _("No data rows.")
                if not report.rows
                else _("Nothing was imported: fix the rows listed and upload the file again.")
            )
            _finish(record, ImportStatus.INVALID, message=message, **fields)
            return record
        _finish(record, ImportStatus.CHECKED, **fields)
        return record
    ConsoleImport.objects.filter(pk=record.pk).update(progress=50)
    try:
        with transaction.atomic():
            if record.kind == ImportKind.EVENTS:
                added = _write_events(record, index)
            else:
                added = _write_status(record, index)
            _finish(
                record,
                ImportStatus.DONE,
                added=added,
                skipped=rows - added,
                **fields,
            )
    except FileRejected as exc:
        _finish(record, ImportStatus.INVALID, message=_rejection(exc))
        return record
    except IntegrityError:
        # Another import of the same file won the race (the partial unique constraint).
        _finish(
            record,
            ImportStatus.DUPLICATE,
            message=_("This file was imported before; importing it again adds nothing."),
            **fields,
        )
        return record
    from . import checks

    if record.kind == ImportKind.EVENTS:
        checks.outbreaks_detect(since=None, import_pk=record.pk)
    else:
        checks.endpoint_states_refresh()
    record.refresh_from_db()
    return record


def _finish(record, status, **fields) -> None:
    fields.setdefault("message", "")
    ConsoleImport.objects.filter(pk=record.pk).update(
        status=status, progress=100, finished_at=timezone.now(), **fields
    )
    for key, value in {"status": status, **fields}.items():
        setattr(record, key, value)


def _rows(record, index):
    report = _Report()
    with record.file.open("rb") as handle:
        stream = CsvStream(handle, encoding=record.encoding)
        parser = _Parser(record, stream.headers, report)
        for line, cells in stream.rows():
            values = parser.parse(line, cells)
            if values is None:  # the file changed under us: refuse as a whole
                raise FileRejected(_("Line %(line)s changed since the dry run.") % {"line": line})
            values["ci_id"] = index.match(values["host"], values.get("ip"))
            yield values


def fingerprint(values: dict) -> str:
    key = "|".join(
        (
            values["detected_at"].isoformat(),
            values["host"].upper(),
            values["threat"],
            values.get("file_path", ""),
            values.get("action", ""),
        )
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()  # noqa: S324 (an identity, not a secret)


_EVENT_COLUMNS = (
    "detected_at", "ci_id", "host_name", "ip", "user_name", "threat", "file_path", "action",
    "result", "result_text", "product", "console_import_id", "fingerprint",
)  # fmt: skip


def _write_events(record, index) -> int:
    """Batched INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL): the fingerprint
    skips detections already known. Plain executemany, because bulk_create's per-field
    preparation was most of the time of a 100,000-row import."""
    from django.db import connection

    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING".format(  # noqa: S608 (names from the model)
        quote(VirusEvent._meta.db_table),
        ", ".join(quote(c) for c in _EVENT_COLUMNS),
        ", ".join(["%s"] * len(_EVENT_COLUMNS)),
        quote("fingerprint"),
    )
    adapt = connection.ops.adapt_datetimefield_value
    batch = []
    with connection.cursor() as cursor:
        for values in _rows(record, index):
            batch.append(
                (
                    adapt(values["detected_at"]),
                    values["ci_id"],
                    values["host"],
                    values.get("ip"),
                    values.get("user", ""),
                    values["threat"],
                    values.get("file_path", ""),
                    values.get("action", ""),
                    parse_result(values["result"]),
                    values["result"],
                    values["product"],
                    record.pk,
                    fingerprint(values),
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return VirusEvent.objects.filter(console_import=record).count()


_CURRENT = (
    "installed",
    "product",
    "product_version",
    "engine_version",
    "signature_version",
    "signature_date",
    "console",
    "last_seen",
)


def _write_status(record, index) -> int:
    """One snapshot per endpoint in the file; the endpoint's current state moves forward
    only (an older export imported late does not overwrite a newer one)."""
    today = timezone.localdate()
    by_ci = dict(Endpoint.objects.filter(ci__isnull=False).values_list("ci_id", "pk"))
    by_host = dict(Endpoint.objects.filter(ci__isnull=True).values_list("reported_host", "pk"))
    by_host = {host.upper(): pk for host, pk in by_host.items()}
    latest: dict[tuple, dict] = {}
    for values in _rows(record, index):
        key = ("ci", values["ci_id"]) if values["ci_id"] else ("host", values["host"].upper())
        latest[key] = values  # the last row of a host wins within one file
    new = [
        Endpoint(
            ci_id=values["ci_id"],
            reported_host="" if values["ci_id"] else values["host"],
        )
        for key, values in latest.items()
        if (key[0] == "ci" and key[1] not in by_ci) or (key[0] == "host" and key[1] not in by_host)
    ]
    Endpoint.objects.bulk_create(new, batch_size=BATCH)
    by_ci = dict(Endpoint.objects.filter(ci__isnull=False).values_list("ci_id", "pk"))
    by_host = {
        host.upper(): pk
        for host, pk in Endpoint.objects.filter(ci__isnull=True).values_list("reported_host", "pk")
    }
    endpoints = Endpoint.objects.in_bulk(
        [by_ci[k[1]] if k[0] == "ci" else by_host[k[1]] for k in latest]
    )
    snapshots, changed = [], []
    for key, values in latest.items():
        endpoint = endpoints[by_ci[key[1]] if key[0] == "ci" else by_host[key[1]]]
        state = {
            "installed": True,
            "product": values["product"],
            "product_version": values.get("product_version", ""),
            "engine_version": values.get("engine_version", ""),
            "signature_version": values.get("signature_version", ""),
            "signature_date": values.get("signature_date"),
            "console": values.get("console", ""),
            "last_seen": values.get("last_seen") or timezone.now(),
        }
        snapshots.append(
            EndpointSnapshot(endpoint=endpoint, console_import=record, taken_on=today, **state)
        )
        if endpoint.last_seen is None or state["last_seen"] >= endpoint.last_seen:
            for name, value in state.items():
                setattr(endpoint, name, value)
            endpoint.last_import = record
            if not endpoint.ci_id:
                endpoint.reported_ip = values.get("ip")
                endpoint.reported_user = values.get("user", "")
            changed.append(endpoint)
    EndpointSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    Endpoint.objects.bulk_update(
        changed,
        [*_CURRENT, "last_import", "reported_ip", "reported_user"],
        batch_size=500,
    )
    return len(snapshots)


def import_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
