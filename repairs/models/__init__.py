from .parts import MIN_QUOTES, PartPurchase, PartQuote
from .repairs import ProgressReport, RepairOrder
from .vendor_orders import Nonconformance, VendorOrder
from .vendors import BlacklistApplication, BlacklistDecision, BlacklistEntry, Vendor

__all__ = [
    "MIN_QUOTES",
    "BlacklistApplication",
    "BlacklistDecision",
    "BlacklistEntry",
    "Nonconformance",
    "PartPurchase",
    "PartQuote",
    "ProgressReport",
    "RepairOrder",
    "Vendor",
    "VendorOrder",
]
