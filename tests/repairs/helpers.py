"""Steps of the process as one-liners for the tests."""

from repairs import services


def new_order(*, engineer, work_order, vendor, **fields):
    fields.setdefault("product", "联想台式机 M720")
    fields.setdefault("problem_description", "主板故障，无法开机")
    fields.setdefault("problem_type", "hardware")
    return services.vendor_order_create(
        actor=engineer, work_order=work_order, vendor=vendor, **fields
    )


def to_confirmed(order, *, engineer, supervisor, agent):
    """An order through approval, sending, signing, result and confirmation."""
    order.refresh_from_db()
    if order.status in ("draft", "rejected"):
        order = services.vendor_order_submit(
            actor=engineer, order=order, lock_version=order.lock_version
        )
        order = services.vendor_order_review(
            actor=supervisor, order=order, lock_version=order.lock_version, decision="approve"
        )
        order = services.vendor_order_send(
            actor=engineer, order=order, lock_version=order.lock_version
        )
    order = services.vendor_order_sign(
        actor=agent, order=order, lock_version=order.lock_version, name="厂商刘"
    )
    order = services.vendor_order_record_result(
        actor=agent,
        order=order,
        lock_version=order.lock_version,
        handling="更换主板",
        result="已修复",
    )
    return services.vendor_order_confirm(
        actor=agent, order=order, lock_version=order.lock_version, name="王芳"
    )


def fail(order, *, engineer, reason="仍无法开机"):
    order.refresh_from_db()
    return services.vendor_order_verify(
        actor=engineer, order=order, lock_version=order.lock_version, passed=False, reason=reason
    )
