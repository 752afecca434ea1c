import pytest

from cmdb import demo
from cmdb.choices import ResponsibleBreach
from cmdb.models import SoftwareInstallation
from cmdb.responsibility import responsible_breaches
from cmdb.software import software_compliance
from itsm.actors import system_user
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db


def test_demo_has_software_an_over_deployed_licence_and_a_few_rule_breaches():
    servicedesk_demo.seed(password="Demo@2026-x")
    demo.seed(password="Demo@2026-x")
    installed = SoftwareInstallation.objects.count()
    breaches = responsible_breaches(user=system_user())
    assert "already" in demo.seed(password="Demo@2026-x")
    assert SoftwareInstallation.objects.count() == installed > 0
    over = software_compliance(user=system_user(), over_only=True)
    assert [(r.product.name, r.shortfall) for r in over] == [
        ("Microsoft Office 2019 专业增强版", 10)
    ]
    kinds = sorted(b.kind for b in breaches)
    assert kinds == sorted(
        [ResponsibleBreach.LEFT, ResponsibleBreach.NONE, ResponsibleBreach.SHARED_ORDER]
    )
    assert len(responsible_breaches(user=system_user())) == len(breaches)
