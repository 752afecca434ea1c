from .baselines import Baseline
from .census import CensusCampaign, CensusItem, CMDBReminder
from .imports import ImportBatch
from .items import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser
from .lifecycle import AgeingRule, ReplacementProposal, SiteTool, WarrantyExtension
from .outages import ServiceOutage
from .software import SoftwareInstallation, SoftwareLicence, SoftwareProduct, title_key
from .spares import PartType, Requisition, SpareUnitLoan, Stock
from .suppliers import Supplier
from .warranty import WarrantyAlert

__all__ = [
    "Baseline",
    "CIClass",
    "CIRelationship",
    "CMDBReminder",
    "CensusCampaign",
    "CensusItem",
    "ConfigurationItem",
    "ConfigurationItemUser",
    "ImportBatch",
    "PartType",
    "Requisition",
    "ServiceOutage",
    "SoftwareInstallation",
    "SoftwareLicence",
    "SoftwareProduct",
    "SpareUnitLoan",
    "Stock",
    "Supplier",
    "WarrantyAlert",
    "title_key",
    "WarrantyExtension",
    "AgeingRule",
    "ReplacementProposal",
    "SiteTool",
]
