"""A site category as one of Google's ``applicationCategory`` values for ``SoftwareApplication``.

Google's rich results accept only the values of its own list
(https://developers.google.com/search/docs/appearance/structured-data/software-app), not free
text such as "Vision-language models". Categories are mapped by slug; one not named here is a
tool for developers, which is what most AI tools are.
"""

GOOGLE_APPLICATION_CATEGORIES = frozenset(
    {
        "GameApplication",
        "SocialNetworkingApplication",
        "TravelApplication",
        "ShoppingApplication",
        "SportsApplication",
        "LifestyleApplication",
        "BusinessApplication",
        "DesignApplication",
        "DeveloperApplication",
        "DriverApplication",
        "EducationalApplication",
        "HealthApplication",
        "FinanceApplication",
        "SecurityApplication",
        "BrowserApplication",
        "CommunicationApplication",
        "DesktopEnhancementApplication",
        "EntertainmentApplication",
        "MultimediaApplication",
        "HomeApplication",
        "UtilitiesApplication",
        "ReferenceApplication",
    }
)

DEFAULT = "DeveloperApplication"

BY_CATEGORY_SLUG = {
    "vision-language-models": "DeveloperApplication",
    "chat-assistants": "BusinessApplication",
    "coding-assistants": "DeveloperApplication",
    "image-generation": "DesignApplication",
    "speech-to-text": "MultimediaApplication",
    "local-model-runners": "DeveloperApplication",
}


def application_category(category_slug: str) -> str:
    return BY_CATEGORY_SLUG.get(category_slug, DEFAULT)
