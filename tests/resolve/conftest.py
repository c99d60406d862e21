"""Shared fixtures of the resolution tests: one background of person records and the model trained on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from linkgraph.resolve.matching import ResolutionModel, train

sys.path.insert(0, str(Path(__file__).parent))  # person_records.py (--import-mode=importlib adds no folder)

from person_records import background_frame  # noqa: E402


@pytest.fixture(scope="session")
def background() -> pd.DataFrame:
    return background_frame()


@pytest.fixture(scope="session")
def model(background: pd.DataFrame) -> ResolutionModel:
    return train(background)


