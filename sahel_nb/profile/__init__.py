"""Actor profiles: one actor's names, ties over time, events, flows and sources, and its card."""

from .actor import actor_profile
from .parts import Card, Fact, Profile, Section, shorten

__all__ = ["Card", "Fact", "Profile", "Section", "actor_profile", "shorten"]
