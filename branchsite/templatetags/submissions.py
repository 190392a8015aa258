from django import template
from django.utils.html import format_html

from branchsite.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submit_once():
    """The hidden one-time token of a form that changes something; see
    branchsite.submissions."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
