"""The site's numbers, defined once (docs/product.md, "Numbers, defined once")."""

from decimal import Decimal


def percent(part: int, whole: int) -> int | None:
    """``part / whole`` as a whole percent, rounded half up; None when there is nothing to count.

    Integer arithmetic, so 1 of 8 is exactly 12.5 and rounds to 13 (floats and Python's round()
    would round half to even).
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def format_amount(price: Decimal) -> str:
    """``Decimal("20.00")`` -> ``"$20"``, ``Decimal("0.0060")`` -> ``"$0.006"``."""
    if price == price.to_integral_value():
        return f"${int(price):,}"
    return f"${price.normalize():f}"


def plain_decimal(value: Decimal) -> str:
    """``Decimal("20.0000")`` -> ``"20"``: exact, for machine-readable prices (never a float)."""
    return f"{value.normalize():f}"
