"""Column mappings for the consoles common in Chinese government offices; admins add more."""

from django.db import migrations

PROFILES = [
    (
        "Trend Micro Apex One / OfficeScan — endpoints",
        "status",
        "Trend Micro Apex One",
        {
            "host": "Endpoint",
            "ip": "IP Address",
            "user": "Logon User",
            "product_version": "Agent Version",
            "engine_version": "Virus Scan Engine",
            "signature_version": "Virus Pattern",
            "signature_date": "Pattern Update Time",
            "console": "Server",
            "last_seen": "Last Connected",
        },
    ),
    (
        "Trend Micro Apex One / OfficeScan — virus events",
        "events",
        "Trend Micro Apex One",
        {
            "detected_at": "Generated",
            "host": "Endpoint",
            "ip": "IP Address",
            "user": "User",
            "threat": "Security Threat",
            "file_path": "Infected File",
            "action": "Action",
            "result": "Result",
        },
    ),
    (
        "360 天擎 — 终端",
        "status",
        "360天擎",
        {
            "host": "计算机名称",
            "ip": "IP地址",
            "user": "使用人",
            "product_version": "终端版本",
            "engine_version": "引擎版本",
            "signature_version": "病毒库版本",
            "signature_date": "病毒库日期",
            "console": "所属控制中心",
            "last_seen": "最后在线时间",
        },
    ),
    (
        "360 天擎 — 病毒日志",
        "events",
        "360天擎",
        {
            "detected_at": "发现时间",
            "host": "计算机名称",
            "ip": "IP地址",
            "user": "使用人",
            "threat": "病毒名称",
            "file_path": "文件路径",
            "action": "处理方式",
            "result": "处理结果",
        },
    ),
]


def create(apps, schema_editor):
    MappingProfile = apps.get_model("antivirus", "MappingProfile")  # noqa: N806
    for name, kind, product, columns in PROFILES:
        MappingProfile.objects.get_or_create(
            name=name, defaults={"kind": kind, "product": product, "columns": columns}
        )


class Migration(migrations.Migration):
    dependencies = [("antivirus", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
