"""Scripts a room adds to every public page (a statistics beacon), without core knowing it:
registered in the app's `ready()`, loaded by the base template with `defer`, from this site
only (the CSP allows no other), on Wagtail's pages (not the forms' own answers), with the
page's id in `data-page`."""

from __future__ import annotations

_SCRIPTS: list[str] = []


def page_script_register(static_path: str) -> None:
    if static_path not in _SCRIPTS:
        _SCRIPTS.append(static_path)


def page_scripts() -> list[str]:
    return list(_SCRIPTS)
