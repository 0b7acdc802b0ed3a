"""The editors' admin for the newsletter: subscribers, editions (and their send), deliveries,
and the bounces and complaints the mail reported."""

from newsletter.admin import deliveries, editions, mail_events, subscribers

__all__ = ["deliveries", "editions", "mail_events", "subscribers"]
