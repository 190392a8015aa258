from django import template

from members.validators import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value):
    return mask_id_number(value or "")


@register.filter
def masked_phone(value):
    return mask_phone(value or "")


@register.simple_tag
def recruitment_tag(item, today) -> str:
    """A recruitment to-do item's short state on `today` ("逾期 37 天", "12月20日前")."""
    return item.tag(today)
