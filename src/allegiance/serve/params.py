"""Each resource's query parameters, built from its view: only the filters a resource can honour appear in
its OpenAPI schema, every one typed and bounded, so a bad value is a 422 before any SQL runs."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import inspect
import json
from typing import Annotated

from fastapi import HTTPException, Query

from allegiance.store.api_queries import Filters
from allegiance.store.api_views import View

#: The most rows one page holds.
MAX_PAGE = 500
DEFAULT_PAGE = 50
_TEXT = 200

_DESCRIPTIONS = {
    "country": "ISO alpha-3 code of a country the row involves",
    "actor": "an actor id (or canonical name) the row involves",
    "outlet": "the outlet's name",
    "lean": "the outlet's political lean, as the input gave it",
    "from": "first day (YYYY-MM-DD)",
    "to": "last day (YYYY-MM-DD)",
    "q": "words the evidence contains (case-insensitive, taken literally)",
    "since": "only rows from articles (re)extracted after this ingest run (run_id from /api/status)",
}


def applicable(view: View) -> list[str]:
    """The filters ``view`` can honour, in a fixed order."""
    names = [name for name, expr in (("country", view.countries), ("actor", view.actors), ("outlet", view.outlets),
                                     ("lean", view.leans)) if expr]
    if view.day:
        names += ["from", "to"]
    if view.text:
        names.append("q")
    if view.added:
        names.append("since")
    return names + list(view.fields)


def filters_dependency(view: View):
    """A FastAPI dependency whose signature is the view's filters, returning a Filters."""
    params = []
    for name in applicable(view):
        if name in ("from", "to"):
            annotation = Annotated[dt.date | None, Query(alias=name, description=_DESCRIPTIONS[name])]
            pname = "date_" + name
        elif name == "since":
            annotation = Annotated[int | None, Query(ge=0, le=2**31 - 1, description=_DESCRIPTIONS[name])]
            pname = name
        elif name == "contested":
            annotation = Annotated[bool | None, Query(description="true for claims in a contested group")]
            pname = name
        else:
            desc = _DESCRIPTIONS.get(name, f"the export field {view.fields.get(name, name).removeprefix('r.')}")
            annotation = Annotated[str | None, Query(max_length=_TEXT, description=desc)]
            pname = name
        params.append(inspect.Parameter(pname, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation))

    def dependency(**kwargs) -> Filters:
        fields = {}
        for name in view.fields:
            value = kwargs.get(name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            if value is not None:
                fields[name] = value
        return Filters(country=kwargs.get("country"), actor=kwargs.get("actor"), outlet=kwargs.get("outlet"),
                       lean=kwargs.get("lean"), date_from=kwargs.get("date_from"), date_to=kwargs.get("date_to"),
                       q=kwargs.get("q"), since=kwargs.get("since"), fields=fields)

    dependency.__signature__ = inspect.Signature(params, return_annotation=Filters)
    return dependency


def encode_key(key: str) -> str:
    """A row's key as its opaque id (also the cursor that continues after it)."""
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


def decode_key(value: str) -> str:
    try:
        key = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True).decode("utf-8")
        if isinstance(json.loads(key), list):
            return key
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise HTTPException(400, "not a cursor or row id this API gave out")
