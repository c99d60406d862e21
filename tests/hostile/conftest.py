"""The hostile-input tests share ``hostile_support`` (the suite imports test files by path, not as a package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
