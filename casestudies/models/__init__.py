from .companies import Company, CompanyContact, Industry

__all__ = ["Company", "CompanyContact", "Industry"]
