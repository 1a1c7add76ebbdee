from tests.interviews.conftest import case_study_index  # noqa: F401 (a fixture these tests share)
