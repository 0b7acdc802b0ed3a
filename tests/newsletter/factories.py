"""factory_boy factories for the newsletter models."""

import datetime

import factory
from django.utils import timezone

from newsletter.models import Delivery, Edition, EditionItem, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory[Subscriber]):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.set(extracted)


class EditionFactory(factory.django.DjangoModelFactory[Edition]):
    class Meta:
        model = Edition

    week = factory.Sequence(lambda n: datetime.date(2025, 1, 6) + datetime.timedelta(weeks=n))


class EditionItemFactory(factory.django.DjangoModelFactory[EditionItem]):
    class Meta:
        model = EditionItem


class DeliveryFactory(factory.django.DjangoModelFactory[Delivery]):
    class Meta:
        model = Delivery


def make_edition(*comparisons, **fields) -> Edition:
    edition = EditionFactory.create(**fields)
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, comparison=comparison, position=position)
        for position, comparison in enumerate(comparisons)
    )
    return edition
