"""The ESPs' notification addresses, where django-anymail puts them (``/anymail/…``, included
by compsite/urls.py) and with its names, for the providers ``EMAIL_URL`` can name. Anymail's
other addresses (inbound mail, providers we do not send through) are left out: nothing here
would read what they take in."""

from django.urls import path

from newsletter.webhooks import AmazonSESTracking, PostmarkTracking

app_name = "anymail"
urlpatterns = [
    path("postmark/tracking/", PostmarkTracking.as_view(), name="postmark_tracking_webhook"),
    path("amazon_ses/tracking/", AmazonSESTracking.as_view(), name="amazon_ses_tracking_webhook"),
]
