from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Category, Product


@require_safe
def home(request):
    """The front page: the root categories and the newest products.

    Template: market/home.html. Context: `categories`, `products`.
    """
    categories = Category.objects.filter(parent=None)
    products = Product.objects.select_related("category").order_by("-created", "-id")[:8]
    return render(request, "market/home.html", {"categories": categories, "products": products})
