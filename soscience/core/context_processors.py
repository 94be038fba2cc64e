from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    """Roles of the current user, for menus."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": frozenset()}
    return {"roles": user.roles}
