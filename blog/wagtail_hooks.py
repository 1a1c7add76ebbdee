# Admin reports register their own hooks; importing them here makes Wagtail see them.
from . import admin_reports  # noqa: F401
