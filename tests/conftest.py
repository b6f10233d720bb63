"""Fixtures shared by every test folder: the repository's shipped demo media."""
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shipped_templates() -> Path:
    """The repository's templates folder (read-only for tests)."""
    return REPO / "templates"


@pytest.fixture(scope="session")
def demo_photo(shipped_templates: Path) -> Path:
    """The drawn singer photo that ships with the demo template."""
    return shipped_templates / "demo-singer.png"
