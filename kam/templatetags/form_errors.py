"""`{% form_errors form "field" … %}`: above a form, what no field shows — the errors of the
whole form, those of its hidden fields (a hidden field has no place of its own to say what went
wrong) and those of the fields named, which the page does not render with their errors. Every
hand-laid form template starts with it; `partials/form.html` too."""

from django import template

from kam.inputs import labelled

register = template.Library()


@register.inclusion_tag("partials/form_errors.html")
def form_errors(form, *unrendered: str):
    errors = list(form.non_field_errors())
    fields = [f for f in form if f.is_hidden or f.name in unrendered]
    for field in fields:
        errors += [labelled(field.label, e) for e in field.errors]
    return {"errors": errors}
