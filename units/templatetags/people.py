"""`{{ user|person }}`: how pages write a user's name."""

from django import template

register = template.Library()


@register.filter
def person(user):
    """A user's name the Chinese way: family name first, no space (周文斌, not 文斌 周)."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()
