from django import template

from events.translations import translated as translated_text

register = template.Library()


@register.filter
def translated(obj, field):
    """``{{ session|translated:"title" }}``: the text in the visitor's language, or the
    expo's main language where it has not been translated."""
    return translated_text(obj, field)
