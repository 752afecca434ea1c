from .items import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser
from .suppliers import Supplier

__all__ = ["CIClass", "CIRelationship", "ConfigurationItem", "ConfigurationItemUser", "Supplier"]
