"""The customer's fault taxonomy (plan §3.3.4.6) as starting data; admins extend it."""

from django.db import migrations

TAXONOMY = {
    "硬件": {
        "台式机": ["死机", "自动重启", "无法开机", "光驱故障", "显示故障", "键盘鼠标故障"],
        "笔记本": ["死机", "无法开机", "电池故障", "显示故障"],
        "打印机": ["卡纸", "无法打印", "打印质量差", "缺墨或碳粉"],
        "服务器": ["宕机", "硬盘故障", "性能下降"],
        "网络设备": ["网络不通", "网速慢"],
    },
    "系统软件": {
        "Windows": ["蓝屏", "系统无法启动", "运行缓慢", "补丁更新失败", "病毒告警"],
        "Linux": ["服务异常", "磁盘空间不足"],
        "数据库": ["连接失败", "性能问题"],
    },
    "应用软件": {
        "办公软件": ["无法打开文件", "软件崩溃", "安装或升级"],
        "登记系统": ["无法登录", "业务报错"],
        "电子邮件": ["收发失败", "邮箱已满"],
    },
    "咨询": {
        "使用咨询": ["操作指导"],
        "账号权限": ["密码重置", "权限申请"],
    },
    "其他": {"其他": ["其他"]},
}


def seed(apps, schema_editor):
    Category = apps.get_model("servicedesk", "Category")
    for p_order, (problem_type, systems) in enumerate(TAXONOMY.items()):
        top, _ = Category.objects.get_or_create(
            parent=None,
            name=problem_type,
            defaults={"level": "problem_type", "sort_order": p_order},
        )
        for s_order, (system_type, faults) in enumerate(systems.items()):
            middle, _ = Category.objects.get_or_create(
                parent=top,
                name=system_type,
                defaults={"level": "system_type", "sort_order": s_order},
            )
            for f_order, fault in enumerate(faults):
                Category.objects.get_or_create(
                    parent=middle,
                    name=fault,
                    defaults={"level": "fault_type", "sort_order": f_order},
                )


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0003_category_team")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
