# The fault tests' own services and processes (see tests/faults.py).
from tests.faults import fault_folder, launch, mail_log, own_postgres, own_redis  # noqa: F401
