"""What every page's navigation bar needs: the user's scope, which holds their roles."""

from units.permissions import scope_for


def roles(request):
    """The current user's roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": scope_for(user)}
