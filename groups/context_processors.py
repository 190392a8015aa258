from django.utils.functional import SimpleLazyObject

from groups.access import roles_for


def roles(request):
    """`roles` in every template, computed only if a template asks for it."""
    return {"roles": SimpleLazyObject(lambda: roles_for(request.user))}
