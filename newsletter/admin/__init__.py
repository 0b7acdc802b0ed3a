"""The editors' admin for the newsletter: subscribers, editions (and their send), deliveries."""

from newsletter.admin import deliveries, editions, subscribers

__all__ = ["deliveries", "editions", "subscribers"]
