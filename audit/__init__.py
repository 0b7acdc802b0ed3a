"""`make audit`: Lighthouse and axe on the main pages, SpamAssassin and caniemail on each email."""
