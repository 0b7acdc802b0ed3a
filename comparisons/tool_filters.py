"""The tool index's filters and sorts (``/tools/?category=&licence=&price=&sort=``).

Each is a plain link, so they work without JavaScript. An unknown category is a 404 (there is no
such list); any other unknown value is ignored, as if it were not given.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, NullIf
from django.http import Http404, HttpRequest

from comparisons.models import Category, PricingTier, Tool

# "Open weights or not" from the licence as editors write it: any named licence but a
# proprietary one (MIT, Apache-2.0, a community or non-commercial weights licence). A tool with
# no licence written is not counted as open.
PROPRIETARY = "proprietary"
LICENCES = {"open": "Open weights", "proprietary": "Proprietary"}
PRICES = {"free": "Free tier", "paid": "No free tier"}
SORTS = {"name": "Name", "panel": "Panel ship %", "newest": "Newest"}
DEFAULT_SORT = "name"


def _choice(request: HttpRequest, param: str, choices: dict) -> str:
    value = request.GET.get(param, "")
    return value if value in choices else ""


@dataclass(frozen=True)
class ToolFilters:
    category: Category | None = None
    licence: str = ""
    price: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_request(cls, request: HttpRequest) -> ToolFilters:
        category = None
        if slug := request.GET.get("category"):
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                raise Http404("No category has that address.")
        return cls(
            category=category,
            licence=_choice(request, "licence", LICENCES),
            price=_choice(request, "price", PRICES),
            sort=_choice(request, "sort", SORTS) or DEFAULT_SORT,
        )

    def apply(self, tools: QuerySet[Tool]) -> QuerySet[Tool]:
        """``tools`` (with their panel counts) filtered and in order."""
        if self.category is not None:
            tools = tools.filter(category=self.category)
        if self.licence:
            open_weights = ~Q(licence="") & ~Q(licence__iexact=PROPRIETARY)
            tools = tools.filter(open_weights if self.licence == "open" else ~open_weights)
        if self.price:
            free = Exists(PricingTier.objects.filter(tool=OuterRef("pk"), price=0))
            tools = tools.filter(free if self.price == "free" else ~free)
        return tools.order_by(*self._ordering())

    def _ordering(self) -> list:
        by_name = [Lower("name"), "id"]  # "llama.cpp" among the L's
        if self.sort == "newest":
            return ["-created_at", "-id"]
        if self.sort == "panel":
            ratio = ExpressionWrapper(
                F("ship_count") * 1.0 / NullIf(F("scorecard_count"), 0), output_field=FloatField()
            )
            return [ratio.desc(nulls_last=True), *by_name]
        return by_name

    @property
    def is_filtered(self) -> bool:
        return bool(self.category or self.licence or self.price)
