"""How a user is named on pages and in histories: their member's name when they are one
(a secretary reads "沈卫东", not a login), else their login."""


def display_name(user, *, nobody: str = "") -> str:
    """The user's name as shown: their member record's name, else the account's name
    (family name first), else the login name; `nobody` when there is no user (a row
    written by the system, or by a user since deleted)."""
    if user is None:
        return nobody
    member = getattr(user, "member", None)
    if member is not None:
        return member.name
    # A Chinese name is written family name first, without a space: 陆建华.
    full_name = f"{user.last_name}{user.first_name}".strip()
    return full_name or user.get_username()
