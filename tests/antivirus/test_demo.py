import pytest

from antivirus.choices import ProtectionState
from antivirus.models import Endpoint, Outbreak, VirusEvent

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_realistic_mix_once():
    from antivirus import demo
    from cmdb import demo as cmdb_demo
    from servicedesk import demo as servicedesk_demo

    servicedesk_demo.seed(password="Demo-pass-123")
    cmdb_demo.seed(password="Demo-pass-123")
    summary = demo.seed(password="Demo-pass-123")
    assert "endpoints" in summary
    states = {s: Endpoint.objects.filter(state=s).count() for s in ProtectionState.values}
    assert 3 <= states[ProtectionState.UNPROTECTED] <= 20
    assert states[ProtectionState.STALE] >= 5
    assert states[ProtectionState.NOT_REPORTING] >= 3
    assert states[ProtectionState.OK] > 200
    assert VirusEvent.objects.count() > 150
    assert VirusEvent.objects.order_by("detected_at").first().detected_at.month != (
        VirusEvent.objects.order_by("detected_at").last().detected_at.month
    )
    # The planted worm is an outbreak; normal background noise is not.
    assert list(Outbreak.objects.values_list("threat", flat=True)) == ["WORM_DOWNAD.AD"]
    counts = (Endpoint.objects.count(), VirusEvent.objects.count())
    assert demo.seed(password="Demo-pass-123") == "already seeded"
    assert (Endpoint.objects.count(), VirusEvent.objects.count()) == counts
