from django import template

from anxin.core import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_name", masking.mask_name)
register.filter("mask_address", masking.mask_address)
register.filter("mask_free_text", masking.mask_free_text)
