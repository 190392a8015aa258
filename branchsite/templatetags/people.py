"""`{{ user|person }}`: a user shown by name (沈卫东), never by login name, wherever a page
says who recorded, reviewed or saved something. Loaded with `{% load people %}`."""

from django import template

from branchsite.users import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    return display_name(user)
