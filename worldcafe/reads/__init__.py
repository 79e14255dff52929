"""What the screens read: one context per screen, no Flask, no writes."""
