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


# With a panel of four, Panel ship % can only be 0, 25, 50, 75 or 100, so most pairs tie on it:
# wherever it is shown the fraction behind it stands beside it.
NOT_REVIEWED = "Not reviewed yet"
# Below this many votes in a comparison a share is noise ("100%" from one vote): the count shows.
COMMUNITY_MIN_VOTES = 5


def panel_fraction(ships: int, scorecards: int) -> str:
    """``"3 of 4 ship"``; "Not reviewed yet" without scorecards, never "0 of 0 ship"."""
    if scorecards <= 0:
        return NOT_REVIEWED
    return f"{ships} of {scorecards} ship"


def panel_text(ships: int, scorecards: int) -> str:
    """Panel ship % with its fraction, for plain text: ``"75% (3 of 4 ship)"``."""
    if scorecards <= 0:
        return NOT_REVIEWED
    return f"{percent(ships, scorecards)}% ({panel_fraction(ships, scorecards)})"


def vote_count(votes: int) -> str:
    return f"{votes} vote{'' if votes == 1 else 's'}"


def is_sampled(total: int) -> bool:
    """Enough votes in a comparison for its Community % to be shown."""
    return total >= COMMUNITY_MIN_VOTES


def community_text(votes: int, total: int) -> str:
    """A tool's Community % once its comparison has enough votes, else its count ("1 vote")."""
    return f"{percent(votes, total)}%" if is_sampled(total) else vote_count(votes)
