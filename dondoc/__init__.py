"""Đôn Đốc: follows up the tasks a provincial People's Committee assigns to its agencies."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
