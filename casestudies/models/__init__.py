from .companies import Company, CompanyContact, Industry, Language
from .pages import CaseStudyIndexPage, CaseStudyPage, Outcome

__all__ = [
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "Company",
    "CompanyContact",
    "Industry",
    "Language",
    "Outcome",
]
