"""The browser test here uses the browser tests' Chromium and reader."""

from __future__ import annotations

from ..browser.conftest import browser, reader

__all__ = ["browser", "reader"]
