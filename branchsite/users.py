"""How a user is named on pages and in histories: their member's name when they are one
(a secretary reads "沈卫东", not a login), else their login."""


def display_name(user, *, nobody: str = "") -> str:
    """The user's name as shown; `nobody` when there is no user (a row written by the
    system, or by a user since deleted)."""
    if user is None:
        return nobody
    member = getattr(user, "member", None)
    return member.name if member is not None else user.get_username()
