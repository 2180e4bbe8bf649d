"""A product's pictures (SPEC §3): staff add them, choose the main one and remove them, on the
product's edit page; every change goes back there (303, or HX-Redirect for htmx)."""

from contextlib import contextmanager

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.decorators import staff_required
from shop.http import leave_page

from ..forms import ProductForm, ProductImagesForm
from ..models import Category, Product, ProductImage
from .catalogue import render_product_form


def image_of(pk, image_id):
    """The picture `image_id` of product `pk`; a picture of another product is a 404 here."""
    images = ProductImage.objects.select_related("product")
    return get_object_or_404(images, pk=image_id, product_id=pk)


@contextmanager
def still_there():
    """A product or picture deleted by another request while this one worked on it: a 404,
    as if it had been gone when this one began."""
    try:
        yield
    except (Product.DoesNotExist, ProductImage.DoesNotExist) as gone:
        raise Http404 from gone


@staff_required
def image_add(request, pk):
    """POST /market/products/<id>/images/: field `images`, one or more files. Refused (422),
    the edit page again with the error on `images`, and nothing saved."""
    product = get_object_or_404(Product, pk=pk)
    form = ProductImagesForm(request.POST, request.FILES, product=product)
    with still_there():
        added = form.save() if form.is_valid() else None
    if added is not None:
        messages.success(
            request,
            ngettext("%(count)s picture added.", "%(count)s pictures added.", len(added))
            % {"count": len(added)},
        )
        return leave_page(request, "market:product_edit", product.pk)
    product_form = ProductForm(instance=product, tree=Category.objects.tree())
    return render_product_form(
        request, product_form, status=422, images_form=form, partial="product-pictures"
    )


@staff_required
def image_make_main(request, pk, image_id):
    """PUT /market/products/<id>/images/<image_id>/: the card shows this picture from now on."""
    with still_there():
        image_of(pk, image_id).make_main()
    messages.success(request, _("The main picture is changed."))
    return leave_page(request, "market:product_edit", pk)


@staff_required
def image_delete(request, pk, image_id):
    """DELETE /market/products/<id>/images/<image_id>/: the picture and its files go."""
    with still_there():
        image_of(pk, image_id).remove()
    messages.success(request, _("The picture is deleted."))
    return leave_page(request, "market:product_edit", pk)
