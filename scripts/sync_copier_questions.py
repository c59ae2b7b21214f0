"""Write templates/questions.yml from the question catalogue (the one place questions live).

Run after changing src/mlscaffold/questions.py; tests/test_questions.py fails while it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlscaffold.questions_copier import copier_questions_yaml

TARGET = Path(__file__).resolve().parents[1] / "templates" / "questions.yml"

if __name__ == "__main__":
    TARGET.write_text(copier_questions_yaml())
    sys.stdout.write(f"wrote {TARGET}\n")
